// Finds the ultrasound image on a live scanner screen from motion: speckle changes over seconds, menus do not.

import { backgroundDifferenceCounters, type GreyImage, type Rect } from '../frame';
import { components, dilate } from './roi';

/** Longest side of the frames the accumulator works on; callers draw the video at this size. */
export const MOTION_WORK_SIDE = 320;
/**
 * Temporal standard deviation (grey levels) above which a pixel counts as moving. Digital video of a static
 * menu stays below 1; speckle that decorrelates even slowly moves several levels within a few seconds.
 */
const MOVING_STD = 2.5;
/** Grey-level difference from the screen's own background that counts as "part of the image" at refinement. */
const DIFFERS = 6;

export function motionWorkSize(frameWidth: number, frameHeight: number): { width: number; height: number } {
  const s = Math.min(1, MOTION_WORK_SIDE / Math.max(frameWidth, frameHeight));
  return {
    width: Math.max(8, Math.round(frameWidth * s)),
    height: Math.max(8, Math.round(frameHeight * s)),
  };
}

/** Running per-pixel mean and variance of small (work-size) frames over a few seconds. */
export class MotionAccumulator {
  readonly width: number;
  readonly height: number;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private count = 0;
  private last: Uint8ClampedArray | null = null;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.sum = new Float64Array(width * height);
    this.sumSq = new Float64Array(width * height);
  }

  /** Adds one frame; a frame identical to the previous one (a capture card repeating itself) is skipped. */
  add(frame: GreyImage): void {
    if (frame.width !== this.width || frame.height !== this.height)
      throw new Error(`motion frames must be ${this.width}×${this.height}`);
    const data = frame.data;
    if (this.last && sameBytes(this.last, data)) return;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      this.sum[i]! += v;
      this.sumSq[i]! += v * v;
    }
    this.last = new Uint8ClampedArray(data);
    this.count++;
  }

  /** Distinct frames seen so far. */
  get frames(): number {
    return this.count;
  }

  /** Temporal standard deviation per pixel. */
  spread(): Float32Array {
    const out = new Float32Array(this.width * this.height);
    if (this.count < 2) return out;
    for (let i = 0; i < out.length; i++) {
      const mean = this.sum[i]! / this.count;
      out[i] = Math.sqrt(Math.max(0, this.sumSq[i]! / this.count - mean * mean));
    }
    return out;
  }

  /** Mean frame: static UI exactly, the image blurred by its own motion. */
  mean(): GreyImage {
    const data = new Uint8ClampedArray(this.width * this.height);
    for (let i = 0; i < data.length; i++) data[i] = this.count ? this.sum[i]! / this.count : 0;
    return { width: this.width, height: this.height, data };
  }
}

function sameBytes(a: Uint8ClampedArray, b: Uint8ClampedArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 7) if (a[i] !== b[i]) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export type SectorShape = 'sector' | 'rectangle';

export type MotionRoiOutcome =
  | {
      found: true;
      /** In the full frame's pixels. */
      rect: Rect;
      shape: SectorShape;
      /** Share of the found rectangle that moved: low values mean a weak, doubtful detection. */
      movingShare: number;
    }
  | { found: false; reason: 'too-few-frames' | 'nothing-moves'; message: string };

interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  count: number;
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0) + 1);
}

function gap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.max(a0, b0) - Math.min(a1, b1) - 1);
}

/**
 * A sector widens with depth; a linear probe's rectangle does not. Least-squares lines through each row's
 * leftmost and rightmost moving pixel say which it is.
 */
export function sectorShape(mask: Uint8Array, width: number, box: Box): SectorShape {
  const ys: number[] = [];
  const widths: number[] = [];
  for (let y = box.minY; y <= box.maxY; y++) {
    let left = -1;
    let right = -1;
    for (let x = box.minX; x <= box.maxX; x++) {
      if (mask[y * width + x]) {
        if (left < 0) left = x;
        right = x;
      }
    }
    if (left >= 0) {
      ys.push(y);
      widths.push(right - left + 1);
    }
  }
  if (ys.length < 4) return 'rectangle';
  const n = ys.length;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const mw = widths.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (ys[i]! - my) * (widths[i]! - mw);
    den += (ys[i]! - my) ** 2;
  }
  const slope = den > 0 ? num / den : 0;
  // Over the region's height a sector gains at least a fifth of its width; a rectangle stays put.
  return slope * (box.maxY - box.minY + 1) > 0.2 * (box.maxX - box.minX + 1) ? 'sector' : 'rectangle';
}

/**
 * Moves each edge of the coarse box to the last full-resolution row or column that still differs from the
 * screen's background (so black corners of a cropped sector inside a grey screen are kept) and stops at the
 * first gap (so measurement text under the image is not swallowed).
 */
function refineEdges(frame: GreyImage, coarse: Rect, background: number, slack: number): Rect {
  const { width, height } = frame;
  const { rowCount, colCount } = backgroundDifferenceCounters(frame, background, DIFFERS);
  const reach = Math.ceil(slack);
  const lo = {
    x: Math.max(0, Math.floor(coarse.x) - reach),
    y: Math.max(0, Math.floor(coarse.y) - reach),
  };
  const hi = {
    x: Math.min(width - 1, Math.ceil(coarse.x + coarse.width) - 1 + reach),
    y: Math.min(height - 1, Math.ceil(coarse.y + coarse.height) - 1 + reach),
  };
  let left = Math.max(lo.x, Math.min(hi.x, Math.round(coarse.x)));
  let right = Math.max(left, Math.min(hi.x, Math.round(coarse.x + coarse.width) - 1));
  let top = Math.max(lo.y, Math.min(hi.y, Math.round(coarse.y)));
  let bottom = Math.max(top, Math.min(hi.y, Math.round(coarse.y + coarse.height) - 1));
  // The coarse box can overshoot by a work pixel (closing grows the mask): step inward to content first.
  const inner = { top: top + reach, bottom: bottom - reach, left: left + reach, right: right - reach };
  {
    const minRow = Math.max(2, Math.round((right - left + 1) * 0.02));
    while (top < inner.top && rowCount(top, left, right) < minRow) top++;
    while (bottom > inner.bottom && rowCount(bottom, left, right) < minRow) bottom--;
    const minCol = Math.max(2, Math.round((bottom - top + 1) * 0.02));
    while (left < inner.left && colCount(left, top, bottom) < minCol) left++;
    while (right > inner.right && colCount(right, top, bottom) < minCol) right--;
  }
  for (let pass = 0; pass < 2; pass++) {
    const minRow = Math.max(2, Math.round((right - left + 1) * 0.02));
    while (top - 1 >= lo.y && rowCount(top - 1, left, right) >= minRow) top--;
    while (bottom + 1 <= hi.y && rowCount(bottom + 1, left, right) >= minRow) bottom++;
    const minCol = Math.max(2, Math.round((bottom - top + 1) * 0.02));
    while (left - 1 >= lo.x && colCount(left - 1, top, bottom) >= minCol) left--;
    while (right + 1 <= hi.x && colCount(right + 1, top, bottom) >= minCol) right++;
  }
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * The screen's own background: the most common grey along the frame's outermost two pixels, where scanners
 * draw plain background (black, grey or blue), never the image.
 */
export function screenBackground(frame: GreyImage): number {
  const histogram = new Uint32Array(256);
  const { width, height, data } = frame;
  for (let k = 0; k < 2; k++) {
    for (let x = 0; x < width; x++) {
      histogram[data[k * width + x]!]!++;
      histogram[data[(height - 1 - k) * width + x]!]!++;
    }
    for (let y = 0; y < height; y++) {
      histogram[data[y * width + k]!]!++;
      histogram[data[y * width + width - 1 - k]!]!++;
    }
  }
  let best = 0;
  for (let v = 1; v < 256; v++) if (histogram[v]! > histogram[best]!) best = v;
  return best;
}

/**
 * The ultrasound image's rectangle, from a few seconds of frames. `frame` (the latest frame at full size)
 * sharpens the edges to full-resolution pixels; without it the rectangle is accurate to the work scale.
 */
export function detectMovingRegion(
  motion: MotionAccumulator,
  frameWidth: number,
  frameHeight: number,
  frame?: GreyImage,
): MotionRoiOutcome {
  if (motion.frames < 8) {
    return {
      found: false,
      reason: 'too-few-frames',
      message: 'Still watching the screen: a few more frames are needed to find the moving image.',
    };
  }
  const { width, height } = motion;
  const spread = motion.spread();
  const moving = new Uint8Array(width * height);
  for (let i = 0; i < moving.length; i++) moving[i] = spread[i]! >= MOVING_STD ? 1 : 0;
  // Closing joins speckle whose dark grains happened to stay still; components then follow the image.
  const grown = dilate(moving, width, height, 1);
  const closed = dilate(
    grown.map((v) => (v ? 0 : 1)),
    width,
    height,
    1,
  ).map((v) => (v ? 0 : 1));
  const parts = components(closed, width, height, spread).sort((a, b) => b.count - a.count);
  const main = parts[0];
  if (!main || main.count < 0.005 * width * height) {
    return {
      found: false,
      reason: 'nothing-moves',
      message:
        'Nothing on the screen moves: the scanner may be frozen or showing no image. Unfreeze the scanner, or draw the region by hand.',
    };
  }
  const box: Box = { ...main };
  // A rib shadow or anechoic fluid can split one image into parts; thumbnails of earlier frames and a
  // blinking cursor are far away or small, so they stay out.
  for (const other of parts.slice(1)) {
    if (other.count < 0.05 * main.count) continue;
    const sharedRows = overlap(other.minY, other.maxY, box.minY, box.maxY);
    const sharedCols = overlap(other.minX, other.maxX, box.minX, box.maxX);
    const near =
      (sharedRows >= 0.5 * (other.maxY - other.minY + 1) &&
        gap(other.minX, other.maxX, box.minX, box.maxX) <= 0.25 * (box.maxX - box.minX + 1)) ||
      (sharedCols >= 0.5 * (other.maxX - other.minX + 1) &&
        gap(other.minY, other.maxY, box.minY, box.maxY) <= 0.25 * (box.maxY - box.minY + 1));
    if (!near) continue;
    box.minX = Math.min(box.minX, other.minX);
    box.minY = Math.min(box.minY, other.minY);
    box.maxX = Math.max(box.maxX, other.maxX);
    box.maxY = Math.max(box.maxY, other.maxY);
    box.count += other.count;
  }
  const shape = sectorShape(closed, width, box);
  let movingCount = 0;
  for (let y = box.minY; y <= box.maxY; y++)
    for (let x = box.minX; x <= box.maxX; x++) movingCount += closed[y * width + x]!;
  const movingShare = movingCount / ((box.maxX - box.minX + 1) * (box.maxY - box.minY + 1));
  const sx = frameWidth / width;
  const sy = frameHeight / height;
  let rect: Rect = {
    x: box.minX * sx,
    y: box.minY * sy,
    width: (box.maxX - box.minX + 1) * sx,
    height: (box.maxY - box.minY + 1) * sy,
  };
  if (frame && frame.width === frameWidth && frame.height === frameHeight) {
    // Black margins of the image (a sector's corners, a letterbox with vendor text) are part of it as long as
    // they differ from the screen's background; the search may reach across half the screen for them.
    rect = refineEdges(frame, rect, screenBackground(frame), 0.5 * Math.max(frameWidth, frameHeight));
  } else {
    rect = {
      x: Math.round(rect.x),
      y: Math.round(rect.y),
      width: Math.round(rect.width),
      height: Math.round(rect.height),
    };
  }
  return { found: true, rect, shape, movingShare };
}
