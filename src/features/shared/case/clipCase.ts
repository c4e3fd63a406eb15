// Turns a read clip into what a clip case stores: its sampled frames' scan region as JPEG at a bounded size, the clearest frame as the case's picture, a thumbnail and the clip read-out.

import type { FrameResult, Rect, RgbaImage } from '../../../core';
import type { ClipFrame, ClipReadout, ClipSampling } from '../../../core/clip';
import type { DicomTechnicalTags } from '../../../core/dicom';
import { sha256Hex, type NewCase, type StoredClip } from '../../../store';
import { clearestFrame, type ClipReadBy } from '../clip';
import { THUMBNAIL_SIDE, canvasOf, draw, encode, fit } from './caseImage';
import { predictionFromClipReadout } from './predictions';

/**
 * A stored clip frame's longest side. The model reads far smaller inputs (224 px for the shipped model); 512
 * keeps every frame readable by a person and re-scorable, and a 64-frame clip near a megabyte.
 */
export const CLIP_FRAME_SIDE = 512;
/** JPEG quality of stored clip frames: speckle survives it, and 64 PNGs would be ten times the size. */
export const CLIP_FRAME_QUALITY = 0.9;

/** What a screen hands over after reading a clip, for "Save as case". */
export interface ClipCaseDraft {
  /** File name, or the capture card's name. */
  source: string;
  origin: StoredClip['origin'];
  format: string;
  frameRate: number | null;
  durationMs: number;
  sampling: ClipSampling;
  frames: ReadonlyArray<ClipFrame<RgbaImage>>;
  /** The scan region the file itself gives (a DICOM Sequence of Ultrasound Regions), in the frames' pixels. */
  scanRegion: Rect | null;
  /** DICOM only: core/dicom's technical allow-list; never anything else from a header. */
  technical: DicomTechnicalTags | null;
  /** The file the clip was read from (none for a recorded clip): only its hash is kept, never its bytes. */
  sourceFile?: Blob;
  readout: ClipReadout;
  /** Each sampled frame's result, in the order of `frames` (null: unreadable). */
  results: ReadonlyArray<FrameResult | null>;
  by: ClipReadBy;
}

/** A clip case's record, all but what the reader adds (label, initials, exam, zone, notes). */
export type ClipCaseParts = Omit<NewCase, 'label' | 'reader' | 'labelSource' | 'examId' | 'zone' | 'notes'>;

function pixelsCanvas(image: RgbaImage): OffscreenCanvas | HTMLCanvasElement {
  const canvas = canvasOf(image.width, image.height);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('this browser cannot draw images (no 2D canvas)');
  ctx.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  return canvas;
}

/**
 * One region for the whole clip, so every stored frame is the same view at the same size: the file's own
 * scan region when it gives one, else the region found on the clearest frame. Only that region is kept,
 * whatever the keep-whole-frame setting says: a clip's banner is on every frame.
 */
export function clipRegion(
  draft: Pick<ClipCaseDraft, 'scanRegion' | 'results' | 'readout' | 'frames'>,
): Rect {
  const frame = draft.frames[0]!.pixels;
  const found = draft.results[clearestFrame(draft.results, draft.readout.top)]?.crop;
  return draft.scanRegion ?? found ?? { x: 0, y: 0, width: frame.width, height: frame.height };
}

export async function prepareClipCase(draft: ClipCaseDraft): Promise<ClipCaseParts> {
  if (draft.frames.length === 0) throw new Error('the clip has no frames to keep');
  const region = clipRegion(draft);
  const size = fit(region.width, region.height, CLIP_FRAME_SIDE);
  const frames: StoredClip['frames'] = [];
  // One frame at a time: a full-size canvas per frame would hold 64 decoded frames at once.
  for (const f of draft.frames) {
    const image = await encode(
      draw(pixelsCanvas(f.pixels), region, size.width, size.height),
      'image/jpeg',
      CLIP_FRAME_QUALITY,
    );
    frames.push({ image, index: f.index, timeMs: f.timeMs });
  }
  const best = clearestFrame(draft.results, draft.readout.top);
  const t = fit(region.width, region.height, THUMBNAIL_SIDE);
  const thumbnail = await encode(
    draw(pixelsCanvas(draft.frames[best]!.pixels), region, t.width, t.height),
    'image/jpeg',
    0.8,
  );
  const first = draft.frames[0]!.pixels;
  return {
    source: draft.source,
    image: frames[best]!.image,
    imageKind: 'cropped',
    imageWidth: size.width,
    imageHeight: size.height,
    thumbnail,
    crop: region,
    frameWidth: first.width,
    frameHeight: first.height,
    prediction: predictionFromClipReadout(draft.readout, draft.by),
    clip: {
      origin: draft.origin,
      format: draft.format,
      frameRate: draft.frameRate,
      durationMs: draft.durationMs,
      sampling: draft.sampling,
      frames,
      technical: draft.technical,
      ...(draft.sourceFile
        ? { sourceHash: await sha256Hex(new Uint8Array(await draft.sourceFile.arrayBuffer())) }
        : {}),
    },
  };
}
