// Fake capture-card clips for the capture specs: generator phantoms inside a fake scanner screen, and real
// development clips, as .y4m files Chromium plays as a camera. Written once into tests/.generated/capture.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASS_IDS, type ClassId, type GreyImage, type Rect } from '../../src/core/frame';
import { GENERATOR_VERSION, encodeY4m, generateCine } from '../../src/synth';
import { ffmpeg } from './clipFiles';
import { GENERATED } from './fixtures';

export const CAPTURE_DIR = join(GENERATED, 'capture');
const WIDTH = 640;
const HEIGHT = 480;
const FPS = 15;

export interface CaptureClip {
  path: string;
  /** Where the generator put the ultrasound image inside the fake screen. */
  imageRect: Rect;
  classId: ClassId;
}

/** One seed per sign; overlays off so the sign is the only thing that differs between clips. */
const SIGN_SEEDS: Record<ClassId, number> = {
  a_lines: 101,
  b_lines: 102,
  pleural_effusion: 103,
  consolidation: 104,
};

function write(
  name: string,
  classId: ClassId,
  make: () => { frames: GreyImage[]; imageRect: Rect },
): CaptureClip {
  mkdirSync(CAPTURE_DIR, { recursive: true });
  const path = join(CAPTURE_DIR, `${name}-g${GENERATOR_VERSION}.y4m`);
  const meta = `${path}.json`;
  if (existsSync(path) && existsSync(meta)) {
    return { path, classId, imageRect: JSON.parse(readFileSync(meta, 'utf8')) as Rect };
  }
  const { frames, imageRect } = make();
  writeFileSync(path, encodeY4m(frames, FPS));
  writeFileSync(meta, JSON.stringify(imageRect));
  return { path, classId, imageRect };
}

function cine(classId: ClassId, seconds: number) {
  const clip = generateCine({
    classId,
    width: WIDTH,
    height: HEIGHT,
    seed: SIGN_SEEDS[classId],
    seconds,
    fps: FPS,
    screen: true,
    overlays: false,
  });
  return { frames: clip.frames, imageRect: clip.imageRect! };
}

/** Two seconds of live scanning for one sign (Chromium loops the file). */
export function signClip(classId: ClassId): CaptureClip {
  return write(`sign-${classId}`, classId, () => cine(classId, 2));
}

export function allSignClips(): CaptureClip[] {
  return CLASS_IDS.map(signClip);
}

/**
 * A scanner that is live for 2 s, then frozen (the last frame held) for 3 s, then shows a blank image area
 * for 2 s: the live screen must say "frozen" and "no ultrasound image" in turn.
 */
export function scannerStatesClip(): CaptureClip {
  return write('states', 'a_lines', () => {
    const live = cine('a_lines', 2);
    const last = live.frames.at(-1)!;
    const frozen = Array.from({ length: 3 * FPS }, () => last);
    const blankFrame: GreyImage = { width: WIDTH, height: HEIGHT, data: new Uint8ClampedArray(last.data) };
    const r = live.imageRect;
    for (let y = r.y; y < r.y + r.height; y++)
      blankFrame.data.fill(0, y * WIDTH + r.x, y * WIDTH + r.x + r.width);
    const blank = Array.from({ length: 2 * FPS }, () => blankFrame);
    return { frames: [...live.frames, ...frozen, ...blank], imageRect: r };
  });
}

/** The real development clips (../shared/data/pocus-lus/clips/<sign>/<clip>.mp4), beside the checkout. */
const REAL_CLIPS = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'pocus-lus', 'clips');

/**
 * One real clip per sign for the live smoke test of the default model. The default model was trained on
 * every development clip, so these say nothing about unseen scans (cross-validation does); they are clips
 * the app's file path reads as their sign with that model (`lus-signs score` of the same first 4 s,
 * lus-resnet152 2.1.0; the clip read-out's top probability in the comments; 2.2.0, the same network with
 * the sign prior in its bias, still settles on each sign live), so a live read-out that settles elsewhere
 * means the capture path changed what the model sees. Choose again when the default model changes.
 */
export const REAL_SIGN_CLIPS: Record<ClassId, string> = {
  // 0.52 (consolidation 0.25): even on its own training clips the model's A-lines read-outs are the least sure.
  a_lines: 'Reg_Avi_Image004',
  b_lines: 'Cov_combatting_Image1', // 0.96
  pleural_effusion: 'Cov-Atlas-Day_3', // 0.97
  consolidation: 'Cov-Atlas__44_', // 0.81
};

/** The first 4 s of a real clip, scaled into a 640×480 capture frame (letterboxed, as a capture card shows it). */
export function realSignClip(classId: ClassId): CaptureClip & { clip: string } {
  const clip = REAL_SIGN_CLIPS[classId];
  const source = join(REAL_CLIPS, classId, `${clip}.mp4`);
  if (!existsSync(source)) throw new Error(`${source} is missing: the shared development clips are needed`);
  mkdirSync(CAPTURE_DIR, { recursive: true });
  const path = join(CAPTURE_DIR, `real-${clip}.y4m`);
  if (!existsSync(path)) {
    ffmpeg([
      '-i',
      source,
      '-t',
      '4',
      '-vf',
      `scale=${WIDTH}:${HEIGHT}:force_original_aspect_ratio=decrease,pad=${WIDTH}:${HEIGHT}:(ow-iw)/2:(oh-ih)/2,fps=${FPS}`,
      '-pix_fmt',
      'yuv420p',
      path,
    ]);
  }
  return { path, classId, clip, imageRect: { x: 0, y: 0, width: WIDTH, height: HEIGHT } };
}
