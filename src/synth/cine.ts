// Cine loops: lung sliding, breathing and the sinusoid sign, with speckle that decorrelates slowly.
import type { GreyImage, Rect } from '../core/frame/index.ts';
import { createBeamGrid } from './geometry.ts';
import { drawScatterers } from './formation.ts';
import { phantomParamsFor, renderPhantom } from './phantom.ts';
import type { Phantom, PhantomOptions } from './phantomTypes.ts';
import type { PhantomParams } from './params.ts';
import { Random } from './random.ts';

export interface CineOptions extends PhantomOptions {
  seconds: number;
  /** Frames per second, 15–30 (default: drawn from the seed). */
  fps?: number;
}

export interface CineMotionParams {
  fps: number;
  breathingHz: number;
  breathPhase: number;
  slidingMm: number;
  lungLineTravelMm: number;
  /** Radians per second of rotation between the two scatterer fields. */
  decorrelationRadPerS: number;
}

export interface CineClip {
  fps: number;
  frames: GreyImage[];
  /** The first frame in full (masks, sector); later frames move, so their masks differ slightly. */
  first: Phantom;
  params: PhantomParams;
  motion: CineMotionParams;
  imageRect?: Rect;
}

export function drawCineMotion(seed: number, fps?: number): CineMotionParams {
  const rng = new Random((seed ^ 0xc1e0c1e0) >>> 0);
  return {
    fps: fps ?? rng.int(15, 30),
    breathingHz: rng.uniform(0.2, 0.33),
    breathPhase: rng.uniform(0, 2 * Math.PI),
    slidingMm: rng.uniform(1, 3),
    lungLineTravelMm: rng.uniform(2, 5),
    decorrelationRadPerS: rng.uniform(0.2, 0.8),
  };
}

export function generateCine(options: CineOptions): CineClip {
  // Capture noise would flicker independently of the anatomy; a cine keeps the scanner's own look.
  const params = phantomParamsFor(options, false);
  const motion = drawCineMotion(options.seed, options.fps);
  const grid = createBeamGrid(
    params.probe,
    params.beamLines,
    params.depthSamples,
    params.chestWall.pleuraDepthMm,
  );
  const field = drawScatterers(params, grid, true);
  const count = Math.max(1, Math.round(options.seconds * motion.fps));
  const frames: GreyImage[] = [];
  let first: Phantom | null = null;
  for (let f = 0; f < count; f++) {
    const t = f / motion.fps;
    const breath = Math.sin(2 * Math.PI * motion.breathingHz * t + motion.breathPhase);
    // Breathing in (breath > 0) slides the lung and pulls the lung line towards the pleura.
    const frame = renderPhantom(
      params,
      {
        lungShiftMm: motion.slidingMm * breath,
        lungLineShiftMm: motion.lungLineTravelMm * (0.5 + 0.5 * breath),
      },
      motion.decorrelationRadPerS * t,
      { field },
    );
    if (!first) first = frame;
    frames.push(frame.image);
  }
  const clip: CineClip = { fps: motion.fps, frames, first: first!, params, motion };
  if (first!.imageRect) clip.imageRect = first!.imageRect;
  return clip;
}
