// Motion ROI on hand-made screens: moving noise inside static UI, black-background scanners, frozen screens.
import { describe, expect, it } from 'vitest';
import { createGreyImage, type GreyImage, type Rect, resizeGrey } from '../frame';
import { MotionAccumulator, detectMovingRegion, motionWorkSize, screenBackground } from './motionRoi';
import { seededRandom } from '../random';

interface Screen {
  width: number;
  height: number;
  background: number;
  image: Rect;
  /** Pixels inside the image that stay black (a sector's corners): true → black. */
  blackAt?: (x: number, y: number) => boolean;
}

/** One frame of a fake scanner: static banner, menu and text; moving noise inside the image. */
function screenFrame(s: Screen, t: number, rand: () => number): GreyImage {
  const f = createGreyImage(s.width, s.height);
  f.data.fill(s.background);
  for (let y = 0; y < 30; y++) for (let x = 0; x < s.width; x++) f.data[y * s.width + x] = s.background + 30;
  for (let y = 40; y < s.height; y++)
    for (let x = 0; x < 60; x++) f.data[y * s.width + x] = s.background + 15;
  // Static measurement text under the image, four pixels away.
  const textY = s.image.y + s.image.height + 4;
  for (let y = textY; y < Math.min(s.height, textY + 7); y++)
    for (let x = s.image.x; x < s.image.x + 80; x += 2) f.data[y * s.width + x] = 220;
  for (let y = s.image.y; y < s.image.y + s.image.height; y++) {
    for (let x = s.image.x; x < s.image.x + s.image.width; x++) {
      const black = s.blackAt?.(x - s.image.x, y - s.image.y) ?? false;
      f.data[y * s.width + x] = black ? 0 : 40 + Math.floor(rand() * 150 + 20 * Math.sin(t + x));
    }
  }
  return f;
}

function run(s: Screen, frames: number, still = false) {
  const rand = seededRandom(7);
  const work = motionWorkSize(s.width, s.height);
  const motion = new MotionAccumulator(work.width, work.height);
  let last = screenFrame(s, 0, rand);
  for (let t = 0; t < frames; t++) {
    if (!still) last = screenFrame(s, t, rand);
    motion.add(resizeGrey(last, work.width, work.height));
  }
  return { outcome: detectMovingRegion(motion, s.width, s.height, last), motion };
}

function expectWithin(found: Rect, truth: Rect, px: number) {
  expect(Math.abs(found.x - truth.x)).toBeLessThanOrEqual(px);
  expect(Math.abs(found.y - truth.y)).toBeLessThanOrEqual(px);
  expect(Math.abs(found.x + found.width - (truth.x + truth.width))).toBeLessThanOrEqual(px);
  expect(Math.abs(found.y + found.height - (truth.y + truth.height))).toBeLessThanOrEqual(px);
}

describe('detectMovingRegion', () => {
  it('finds a moving rectangle inside a grey scanner screen to the pixel', () => {
    const s: Screen = {
      width: 640,
      height: 480,
      background: 50,
      image: { x: 150, y: 70, width: 360, height: 300 },
    };
    const { outcome } = run(s, 12);
    expect(outcome.found).toBe(true);
    if (!outcome.found) return;
    expectWithin(outcome.rect, s.image, 1);
    expect(outcome.shape).toBe('rectangle');
  });

  it('keeps the black corners of a sector inside the image rectangle, and calls it a sector', () => {
    const image = { x: 200, y: 60, width: 400, height: 300 };
    const s: Screen = {
      width: 800,
      height: 450,
      background: 35,
      image,
      // A sector: apex at the top middle, widening downwards; outside it is black.
      blackAt: (x, y) => Math.abs(x - image.width / 2) > 40 + (y / image.height) * (image.width / 2 - 40),
    };
    const { outcome } = run(s, 12);
    expect(outcome.found).toBe(true);
    if (!outcome.found) return;
    expectWithin(outcome.rect, image, 2);
    expect(outcome.shape).toBe('sector');
  });

  it('on a black-background scanner returns the moving sector itself, not the whole screen', () => {
    const image = { x: 200, y: 60, width: 400, height: 300 };
    const s: Screen = { width: 800, height: 450, background: 0, image };
    const { outcome } = run(s, 12);
    expect(outcome.found).toBe(true);
    if (!outcome.found) return;
    expectWithin(outcome.rect, image, 3);
  });

  it('says nothing moves when the scanner is frozen, and asks for more frames at first', () => {
    const s: Screen = {
      width: 640,
      height: 480,
      background: 50,
      image: { x: 150, y: 70, width: 360, height: 300 },
    };
    const frozen = run(s, 20, true);
    expect(frozen.motion.frames).toBe(1);
    expect(frozen.outcome).toMatchObject({ found: false, reason: 'too-few-frames' });
    // Twenty distinct but identical-inside frames: only the noise-free UI, nothing moves.
    const rand = seededRandom(3);
    const work = motionWorkSize(640, 480);
    const motion = new MotionAccumulator(work.width, work.height);
    const still = screenFrame(s, 0, rand);
    for (let t = 0; t < 20; t++) {
      const f = { ...still, data: new Uint8ClampedArray(still.data) };
      f.data[t] = 255 - f.data[t]!; // one pixel of the banner blinks: a distinct frame, no real motion
      motion.add(resizeGrey(f, work.width, work.height));
    }
    expect(detectMovingRegion(motion, 640, 480, still)).toMatchObject({
      found: false,
      reason: 'nothing-moves',
    });
  });

  it('reads the screen background from the frame border', () => {
    const s: Screen = {
      width: 320,
      height: 240,
      background: 44,
      image: { x: 80, y: 50, width: 160, height: 120 },
    };
    expect(screenBackground(screenFrame(s, 0, seededRandom(1)))).toBe(44);
  });
});
