// The default model's smoke frames: a handful of shared real frames chosen by a fixed rule, and their bytes as lossless PNGs.

import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASS_IDS, type ClassId } from '../src/core';
import { decodeImageBuffer } from './decodeNode';
import { encodeRgbaPng } from './encodePng';

const SHARED_REAL = resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'pocus-lus');

export interface SmokeFrame {
  name: string;
  sign: ClassId;
  source: string;
}

/** Two frames per sign, fixed by rule (never picked by result): the first frame of the first two clips of each sign folder, sorted by name. */
export function smokeFrames(): SmokeFrame[] {
  return CLASS_IDS.flatMap((sign) => {
    const files = readdirSync(join(SHARED_REAL, sign))
      .filter((n) => /\.jpe?g$/i.test(n))
      .sort();
    const firstOfClip = new Map<string, string>();
    for (const f of files) {
      const clip = f.replace(/_f\d+\.jpe?g$/i, '');
      if (!firstOfClip.has(clip)) firstOfClip.set(clip, f);
    }
    return [...firstOfClip.values()].slice(0, 2).map((f) => ({
      name: `${sign}-${f.replace(/\.jpe?g$/i, '')}`,
      sign,
      source: join(sign, f),
    }));
  });
}

/** A smoke frame decoded once (sharp) and re-encoded losslessly, so the browser and the reference read the same pixels. */
export async function smokeFramePng(frame: SmokeFrame): Promise<Uint8Array> {
  const decoded = await decodeImageBuffer(readFileSync(join(SHARED_REAL, frame.source)), frame.name);
  const { width, height, data } = decoded.image;
  return encodeRgbaPng(width, height, new Uint8Array(data.buffer, data.byteOffset, data.length));
}
