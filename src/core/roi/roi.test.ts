// ROI detection on generated scanner-like frames: the found box must lie within 4 px of the truth.
import { describe, expect, it } from 'vitest';
import { createGreyImage } from '../frame';
import { detectUltrasoundRegion } from './roi';
import { seededRandom } from '../random';
import { makeTestFrame } from '../../synth';

function expectWithin(
  found: { x: number; y: number; width: number; height: number },
  truth: typeof found,
  px: number,
) {
  expect(Math.abs(found.x - truth.x)).toBeLessThanOrEqual(px);
  expect(Math.abs(found.y - truth.y)).toBeLessThanOrEqual(px);
  expect(Math.abs(found.x + found.width - (truth.x + truth.width))).toBeLessThanOrEqual(px);
  expect(Math.abs(found.y + found.height - (truth.y + truth.height))).toBeLessThanOrEqual(px);
}

describe('detectUltrasoundRegion', () => {
  const cases = [
    {
      name: 'convex sector with vendor text, ruler and menu panel',
      width: 800,
      height: 600,
      shape: 'convex',
      chrome: true,
      fluid: false,
    },
    {
      name: 'convex sector with an anechoic effusion inside',
      width: 640,
      height: 480,
      shape: 'convex',
      chrome: true,
      fluid: true,
    },
    {
      name: 'linear probe rectangle in a 16:9 letterbox',
      width: 1280,
      height: 720,
      shape: 'linear',
      chrome: false,
      fluid: false,
    },
    {
      name: 'linear rectangle with chrome',
      width: 1024,
      height: 768,
      shape: 'linear',
      chrome: true,
      fluid: true,
    },
    { name: 'small frame', width: 320, height: 240, shape: 'convex', chrome: false, fluid: false },
  ] as const;

  for (const c of cases) {
    it(`finds the image: ${c.name}`, () => {
      for (let seed = 1; seed <= 4; seed++) {
        const rand = seededRandom(seed * 97);
        const aw = Math.round(c.width * (0.45 + 0.2 * rand()));
        const ah = Math.round(c.height * (0.55 + 0.2 * rand()));
        const area = {
          x: Math.round(c.width * 0.12 + rand() * (c.width * 0.85 - aw - c.width * 0.12)),
          y: Math.round(40 + rand() * Math.max(1, c.height - ah - 80)),
          width: aw,
          height: ah,
        };
        const { frame, truth } = makeTestFrame({ ...c, seed, area });
        const outcome = detectUltrasoundRegion(frame);
        if (!outcome.found) throw new Error(`not found: ${outcome.message}`);
        expectWithin(outcome.rect, truth, 4);
      }
    });
  }

  it('calls an almost uniform frame uniform', () => {
    const frame = createGreyImage(400, 300);
    frame.data.fill(128);
    for (let i = 0; i < 50; i++) frame.data[i * 97] = 129;
    const outcome = detectUltrasoundRegion(frame);
    expect(outcome.found).toBe(false);
    if (!outcome.found) expect(outcome.reason).toBe('uniform');
  });

  it('finds no ultrasound in a frame with only text on black', () => {
    const { frame } = makeTestFrame({
      width: 640,
      height: 480,
      seed: 3,
      shape: 'linear',
      area: { x: 300, y: 200, width: 0, height: 0 },
      chrome: true,
      fluid: false,
    });
    const outcome = detectUltrasoundRegion(frame);
    expect(outcome.found).toBe(false);
    if (!outcome.found) expect(outcome.reason).toBe('no-ultrasound');
  });
});
