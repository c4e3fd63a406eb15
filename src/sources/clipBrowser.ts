// Turns a dropped video (the browser's own decoder, by seeking a video element) or DICOM file into a clip of sampled RGBA frames, naming every failure.

import { MAX_CLIP_FRAMES, sampleFrameIndices, samplingFor, type Clip } from '../core/clip';
import {
  DicomProblem,
  dicomClip,
  readDicom,
  type DicomTechnicalTags,
  type EncodedImageDecoder,
} from '../core/dicom';
import type { Rect, RgbaImage } from '../core';
import { CLIP_SNIFF_BYTES, clipKindOf, type ClipKind } from './clipKind';
import { InputProblem } from './inputProblem';

/** Clip frames larger than this are scaled down while drawn: 64 full-HD RGBA frames would need 530 MB. */
export const MAX_CLIP_SIDE = 1024;
/** Without a way to measure it, a video's frame rate is taken as this (and the read-out says it is unknown). */
const ASSUMED_FPS = 30;
const METADATA_TIMEOUT_MS = 15_000;
/** Larger videos are not read whole for their stated frame rate (it is measured instead): memory. */
const MAX_PARSED_VIDEO_BYTES = 256 * 1024 * 1024;
const SEEK_TIMEOUT_MS = 10_000;

export interface ReadClip {
  kind: ClipKind;
  clip: Clip<RgbaImage>;
  /** The scan region the file itself gives (a DICOM Sequence of Ultrasound Regions), in the clip's pixels. */
  scanRegion: Rect | null;
  /** For DICOM: the technical tags the parser let out, as short words for the read-out. */
  technicalNote: string | null;
  /** For DICOM: the parser's technical allow-list itself (what a clip case may keep); null for a video. */
  technical: DicomTechnicalTags | null;
}

/** Whether a file is a clip, from its first bytes, type and name; null for a still frame. */
export async function clipKindOfFile(file: Blob & { name?: string }): Promise<ClipKind | null> {
  const head = new Uint8Array(await file.slice(0, CLIP_SNIFF_BYTES).arrayBuffer());
  return clipKindOf(head, { name: file.name, type: file.type });
}

export async function readClipFile(
  file: Blob & { name?: string },
  kind: ClipKind,
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<ReadClip> {
  const name = file.name || (kind === 'dicom' ? 'The DICOM file' : 'The video');
  if (file.size === 0) throw new InputProblem('empty-file', `${name} is empty (0 bytes).`);
  return kind === 'dicom' ? readDicomFile(file, name, options.limit) : readVideoFile(file, name, options);
}

// ---- DICOM

/** The browser's JPEG decoder for JPEG baseline DICOM frames. */
const decodeJpegInBrowser: EncodedImageDecoder = async (bytes) => {
  const bitmap = await createImageBitmap(new Blob([bytes.slice()], { type: 'image/jpeg' }));
  try {
    return drawToRgba(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
};

async function readDicomFile(file: Blob, name: string, limit = MAX_CLIP_FRAMES): Promise<ReadClip> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    const cine = readDicom(bytes, { name, decodeImage: decodeJpegInBrowser });
    const clip = await dicomClip(cine, name, limit);
    const t = cine.technical;
    const technicalNote = [t.manufacturer, t.model, t.transducer].filter(Boolean).join(' · ') || null;
    return { kind: 'dicom', clip, scanRegion: cine.scanRegion, technicalNote, technical: t };
  } catch (error) {
    if (error instanceof DicomProblem)
      throw new InputProblem(
        error.code === 'truncated' || error.code === 'damaged-frame' ? 'corrupt-image' : 'unsupported-format',
        error.message,
      );
    throw new InputProblem(
      'corrupt-image',
      `${name} could not be read as DICOM (${(error as Error).message}).`,
    );
  }
}

// ---- Video

function once(target: EventTarget, ok: string, timeoutMs: number, fail = 'error'): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      target.removeEventListener(ok, onOk);
      target.removeEventListener(fail, onFail);
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const onOk = () => done();
    const onFail = () => done(new Error(fail));
    const timer = setTimeout(() => done(new Error('timeout')), timeoutMs);
    target.addEventListener(ok, onOk);
    target.addEventListener(fail, onFail);
  });
}

const noTrack = (name: string, why: string) =>
  new InputProblem(
    'unsupported-format',
    `${name} has no video this browser can decode (${why}). Export the clip as MP4 (H.264) or WebM.`,
  );

type FrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta: { mediaTime: number }) => void) => number;
};

/**
 * The frame rate, measured: the video element does not say it, but while it plays each presented frame
 * reports its media time. The smallest steps between presented frames are one frame each (a busy device
 * drops frames, which only makes some steps longer). It plays at quarter speed, so that even a busy device
 * presents consecutive frames: a clip measured at half its rate would be sampled at other frames on each
 * read, and saving it again would make a second case of the same clip. Null when the browser cannot report
 * frames.
 */
async function measureFrameRate(video: FrameCallbackVideo): Promise<number | null> {
  if (typeof video.requestVideoFrameCallback !== 'function') return null;
  const times: number[] = [];
  const measured = new Promise<void>((resolve) => {
    const step = (_now: number, meta: { mediaTime: number }) => {
      times.push(meta.mediaTime);
      if (times.length >= 10) resolve();
      else video.requestVideoFrameCallback!(step);
    };
    video.requestVideoFrameCallback!(step);
    setTimeout(resolve, 8000);
  });
  video.currentTime = 0;
  video.playbackRate = 0.25;
  try {
    await video.play();
  } catch {
    return null;
  }
  await measured;
  video.pause();
  video.playbackRate = 1;
  const steps = times
    .slice(1)
    .map((t, i) => t - times[i]!)
    .filter((d) => d > 0.002);
  if (!steps.length) return null;
  // Containers round timestamps (WebM to the millisecond: 66, 67, 67 ms at 15 frames/s), so the mean of
  // the one-frame steps is the rate; longer steps are dropped frames and are left out.
  const one = Math.min(...steps);
  const single = steps.filter((d) => d < one * 1.5);
  const fps = single.length / single.reduce((a, b) => a + b, 0);
  return fps >= 1 && fps <= 240 ? Math.round(fps * 100) / 100 : null;
}

/** MediaRecorder's WebM says its duration only after a seek to its end. */
async function durationOf(video: HTMLVideoElement): Promise<number> {
  if (Number.isFinite(video.duration) && video.duration > 0) return video.duration;
  video.currentTime = 1e7;
  await once(video, 'seeked', SEEK_TIMEOUT_MS).catch(() => undefined);
  const d = video.duration;
  video.currentTime = 0;
  await once(video, 'seeked', SEEK_TIMEOUT_MS).catch(() => undefined);
  return Number.isFinite(d) ? d : 0;
}

async function seek(video: HTMLVideoElement, seconds: number): Promise<void> {
  if (Math.abs(video.currentTime - seconds) < 1e-6 && !video.seeking) return;
  const seeked = once(video, 'seeked', SEEK_TIMEOUT_MS);
  video.currentTime = seconds;
  await seeked;
}

async function readVideoFile(
  file: Blob,
  name: string,
  options: { limit?: number; signal?: AbortSignal },
): Promise<ReadClip> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video') as FrameCallbackVideo;
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  try {
    const loaded = once(video, 'loadeddata', METADATA_TIMEOUT_MS);
    video.src = url;
    try {
      await loaded;
    } catch (error) {
      const code = video.error?.code;
      throw noTrack(
        name,
        (error as Error).message === 'timeout'
          ? 'it did not start within 15 s'
          : code === 4
            ? 'its format or codec is not supported here'
            : 'the file is damaged or holds no video',
      );
    }
    if (!video.videoWidth || !video.videoHeight) throw noTrack(name, 'it holds sound only');
    const duration = await durationOf(video);
    if (!duration) throw noTrack(name, 'it has no length');
    // The rate an MP4 or MOV states (mp4box, loaded only when a video is opened) is the same on every
    // read; a rate measured while playing (WebM) can differ on a busy device, and then other frames are
    // sampled.
    const format = videoFormat(file, name);
    const stated =
      format === 'WebM video' || file.size > MAX_PARSED_VIDEO_BYTES
        ? null
        : (await import('../core/clip/mp4FrameRate')).mp4FrameRate(await file.arrayBuffer());
    const measured = stated ?? (await measureFrameRate(video));
    const fps = measured ?? ASSUMED_FPS;
    const framesInClip = Math.max(1, Math.round(duration * fps));
    const limit = options.limit ?? MAX_CLIP_FRAMES;
    const scale = Math.min(1, MAX_CLIP_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.max(1, Math.round(video.videoWidth * scale));
    const height = Math.max(1, Math.round(video.videoHeight * scale));
    const frames: Clip<RgbaImage>['frames'] = [];
    for (const index of sampleFrameIndices(framesInClip, limit)) {
      if (options.signal?.aborted) throw new DOMException('Cancelled', 'AbortError');
      // The middle of the frame's interval, so rounding never lands on its neighbour.
      const at = Math.min(duration - 0.001, (index + 0.5) / fps);
      try {
        await seek(video, at);
      } catch {
        throw new InputProblem(
          'corrupt-image',
          `${name} could not be decoded at ${at.toFixed(2)} s: the video is damaged there.`,
        );
      }
      frames.push({ index, timeMs: (index * 1000) / fps, pixels: drawToRgba(video, width, height) });
    }
    return {
      kind: 'video',
      clip: {
        source: { kind: 'video', name, format },
        frameRate: measured,
        durationMs: duration * 1000,
        sampling: samplingFor(framesInClip, limit),
        frames,
      },
      scanRegion: null,
      technicalNote: null,
      technical: null,
    };
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}

function videoFormat(file: Blob, name: string): string {
  const type = file.type;
  if (type.includes('webm') || /\.webm$/i.test(name)) return 'WebM video';
  if (type.includes('quicktime') || /\.mov$/i.test(name)) return 'QuickTime (MOV) video';
  if (type.includes('mp4') || /\.(mp4|m4v)$/i.test(name)) return 'MP4 video';
  return 'video';
}

function drawToRgba(source: CanvasImageSource, width: number, height: number): RgbaImage {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new InputProblem('unreadable', 'This browser cannot read image pixels (no 2D canvas).');
  ctx.drawImage(source, 0, 0, width, height);
  return { width, height, data: ctx.getImageData(0, 0, width, height).data };
}
