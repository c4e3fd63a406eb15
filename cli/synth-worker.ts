// Worker thread for `npm run synth`: renders the phantoms (or cine clips) it is handed and writes their files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { ClassId } from '../src/core/frame/index.ts';
import { encodeGreyPng } from '../node/index.ts';
import { encodeY4m, generateCine, generatePhantom, MASK_NAMES, type Phantom } from '../src/synth/index.ts';

export interface SynthJob {
  classId: ClassId;
  seed: number;
  name: string;
  width: number;
  height: number;
  masks: boolean;
  screen: boolean;
  overlays: boolean | 'random';
  augment: boolean;
  cineSeconds: number;
  out: string;
}

export interface SynthResult {
  name: string;
  classId: ClassId;
  seed: number;
  file: string;
  imageRect?: { x: number; y: number; width: number; height: number };
  frames?: number;
  fps?: number;
  params: unknown;
}

function maskPng(mask: Uint8Array, width: number, height: number): Buffer {
  const data = new Uint8ClampedArray(mask.length);
  for (let k = 0; k < mask.length; k++) data[k] = mask[k] ? 255 : 0;
  return encodeGreyPng({ width, height, data });
}

function writeMasks(dir: string, name: string, p: Phantom): void {
  const maskDir = join(dir, 'masks');
  mkdirSync(maskDir, { recursive: true });
  const { width, height } = p.image;
  for (const m of MASK_NAMES)
    writeFileSync(join(maskDir, `${name}_${m}.png`), maskPng(p.masks[m], width, height));
  writeFileSync(join(maskDir, `${name}_sector.png`), maskPng(p.sector, width, height));
}

export function runJob(job: SynthJob): SynthResult {
  const dir = join(job.out, job.classId);
  mkdirSync(dir, { recursive: true });
  const common = {
    classId: job.classId,
    width: job.width,
    height: job.height,
    seed: job.seed,
    overlays: job.overlays,
    screen: job.screen,
    augment: job.augment,
  };
  if (job.cineSeconds > 0) {
    const clip = generateCine({ ...common, seconds: job.cineSeconds });
    const frameDir = join(dir, job.name);
    mkdirSync(frameDir, { recursive: true });
    clip.frames.forEach((f, k) =>
      writeFileSync(join(frameDir, `frame_${String(k).padStart(4, '0')}.png`), encodeGreyPng(f)),
    );
    writeFileSync(join(dir, `${job.name}.y4m`), encodeY4m(clip.frames, clip.fps));
    if (job.masks) writeMasks(dir, job.name, clip.first);
    const result: SynthResult = {
      name: job.name,
      classId: job.classId,
      seed: job.seed,
      file: `${job.classId}/${job.name}.y4m`,
      frames: clip.frames.length,
      fps: clip.fps,
      params: { ...clip.params, cine: clip.motion },
    };
    if (clip.imageRect) result.imageRect = clip.imageRect;
    return result;
  }
  const p = generatePhantom(common);
  writeFileSync(join(dir, `${job.name}.png`), encodeGreyPng(p.image));
  if (job.masks) writeMasks(dir, job.name, p);
  const result: SynthResult = {
    name: job.name,
    classId: job.classId,
    seed: job.seed,
    file: `${job.classId}/${job.name}.png`,
    params: p.params,
  };
  if (p.imageRect) result.imageRect = p.imageRect;
  return result;
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: SynthJob | null) => {
    if (job === null) {
      port.close();
      return;
    }
    try {
      port.postMessage({ ok: true, result: runJob(job) });
    } catch (error) {
      port.postMessage({ ok: false, error: String((error as Error).stack ?? error), name: job.name });
    }
  });
}
