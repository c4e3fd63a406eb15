// Generated test inputs (frames and bad files) written once per run into tests/.generated.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestFrame } from '../../src/synth';
import { encodeGreyPng, encodeRgbaPng } from '../../node';

export const GENERATED = join(import.meta.dirname, '..', '.generated');
export const FRAMES = join(GENERATED, 'frames');

export { encodeGreyPng, encodeRgbaPng };

/** Writes the frames and bad files the browser specs use; returns their paths. */
export function writeFrameFixtures(): Record<string, string> {
  mkdirSync(FRAMES, { recursive: true });
  const paths: Record<string, string> = {};
  const put = (name: string, bytes: Buffer | Uint8Array) => {
    const p = join(FRAMES, name);
    writeFileSync(p, bytes);
    paths[name] = p;
  };
  // scan-1..3 for the classify specs; scan-4..8 so the case-library specs can save eight distinct frames.
  for (let seed = 1; seed <= 8; seed++) {
    const { frame } = makeTestFrame({
      width: 640,
      height: 480,
      seed,
      shape: seed % 2 ? 'convex' : 'linear',
      area: { x: 120, y: 60, width: 380, height: 360 },
      chrome: true,
      fluid: seed === 3,
    });
    put(`scan-${seed}.png`, encodeGreyPng(frame));
  }
  const good = encodeGreyPng(
    makeTestFrame({
      width: 320,
      height: 240,
      seed: 9,
      shape: 'convex',
      area: { x: 60, y: 20, width: 200, height: 200 },
      chrome: false,
      fluid: false,
    }).frame,
  );
  put('empty.png', new Uint8Array(0));
  put('notes.png', Buffer.from('Patient list\nBed 4: review\n'.repeat(20)));
  put('truncated.png', good.subarray(0, Math.floor(good.length / 2)));
  const tiny = { width: 20, height: 20, data: new Uint8ClampedArray(400).fill(90) };
  put('tiny.png', encodeGreyPng(tiny));
  const uniform = { width: 400, height: 300, data: new Uint8ClampedArray(400 * 300).fill(128) };
  put('uniform.png', encodeGreyPng(uniform));
  // 12000×12000: a 1500×1500 scanner frame enlarged 8×, so the PNG stays small on disk (repeated pixels
  // compress well) while the decoded image would need 576 MB of RGBA at full size.
  const { frame: small } = makeTestFrame({
    width: 1500,
    height: 1500,
    seed: 5,
    shape: 'linear',
    area: { x: 150, y: 150, width: 1200, height: 1200 },
    chrome: false,
    fluid: false,
  });
  const hugeSide = 12000;
  const huge = new Uint8ClampedArray(hugeSide * hugeSide);
  for (let y = 0; y < hugeSide; y++) {
    const src = small.data.subarray((y >> 3) * 1500, ((y >> 3) + 1) * 1500);
    const row = huge.subarray(y * hugeSide, (y + 1) * hugeSide);
    for (let x = 0; x < hugeSide; x++) row[x] = src[x >> 3]!;
  }
  put('huge.png', encodeGreyPng({ width: hugeSide, height: hugeSide, data: huge }));
  return paths;
}
