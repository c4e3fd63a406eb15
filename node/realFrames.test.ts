// ROI detection on every real development frame (../shared/data/pocus-lus): each is found and not cut small.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASS_IDS, detectUltrasoundRegion, rgbaToGrey } from '../src/core';
import { decodeImageBuffer } from './decodeNode';

const REAL = join(import.meta.dirname, '..', '..', 'shared', 'data', 'pocus-lus');

describe('ROI detection on real lung-ultrasound frames', () => {
  it('finds the image in every frame, covering at least 20% of it (at least 25% in 98%)', async () => {
    expect(existsSync(REAL), `real frames expected at ${REAL}`).toBe(true);
    let total = 0;
    let covered = 0;
    for (const sign of CLASS_IDS) {
      for (const name of readdirSync(join(REAL, sign))) {
        const decoded = await decodeImageBuffer(readFileSync(join(REAL, sign, name)), name);
        const outcome = detectUltrasoundRegion(rgbaToGrey(decoded.image));
        total++;
        expect(outcome.found, `${sign}/${name}`).toBe(true);
        if (!outcome.found) continue;
        expect(outcome.coverage, `${sign}/${name}`).toBeGreaterThan(0.2);
        if (outcome.coverage >= 0.25) covered++;
      }
    }
    expect(total).toBeGreaterThan(600);
    expect(covered / total).toBeGreaterThanOrEqual(0.98);
  });
});
