// `lus-signs score --explain DIR`: heat-map PNGs for every scored frame, refused frames named so and marked in the CSV.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { greyToRgba } from '../src/core';
import { generateNegativeFrame, generatePhantom } from '../src/synth';
import { readBatchCsv } from '../tests/helpers/batchCsv';
import { encodeRgbaPng } from '../tests/helpers/fixtures';

const repo = join(import.meta.dirname, '..');
const root = join(repo, 'tests', '.generated', 'cli-explain');

describe('lus-signs score --explain', () => {
  it('writes a heat-map PNG per scored frame and marks refused frames in the CSV and the file name', () => {
    rmSync(root, { recursive: true, force: true });
    const frames = join(root, 'frames');
    mkdirSync(join(frames, 'b_lines'), { recursive: true });
    const png = (img: { width: number; height: number; data: Uint8ClampedArray }) =>
      encodeRgbaPng(img.width, img.height, new Uint8Array(img.data));
    for (let i = 0; i < 2; i++) {
      const p = generatePhantom({
        classId: 'b_lines',
        width: 320,
        height: 240,
        seed: 31 + i,
        overlays: false,
      });
      writeFileSync(join(frames, 'b_lines', `b${i}.png`), png(greyToRgba(p.image)));
    }
    writeFileSync(join(frames, 'photo.png'), png(generateNegativeFrame('colour-photo', 320, 240, 8)));
    const r = spawnSync(
      process.execPath,
      [
        join(repo, 'cli', 'lus-signs.mjs'),
        'score',
        frames,
        '--model',
        join(repo, 'public', 'models', 'fixture-tiny'),
        '--out',
        join(root, 'out.csv'),
        '--explain',
        join(root, 'heat'),
        '--workers',
        '1',
      ],
      { encoding: 'utf8', cwd: repo, timeout: 180_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const rows = readBatchCsv(readFileSync(join(root, 'out.csv'), 'utf8'));
    const byPath = Object.fromEntries(rows.map((row) => [row.path, row]));
    expect(byPath['photo.png']).toMatchObject({
      gate: 'refuse',
      gate_reason: expect.stringMatching(/colour photograph/),
    });
    expect(byPath['b_lines/b0.png']).toMatchObject({ gate: 'pass', gate_reason: '' });
    expect(existsSync(join(root, 'heat', 'b_lines', 'b0.png.heat.png'))).toBe(true);
    expect(existsSync(join(root, 'heat', 'b_lines', 'b1.png.heat.png'))).toBe(true);
    expect(existsSync(join(root, 'heat', 'photo.png.refused.heat.png'))).toBe(true);
  }, 240_000);
});
