// Finds the ultrasound image inside a frame: crops away black borders, on-screen text, rulers, menus and banners.

import { backgroundDifferenceCounters, type GreyImage, type Rect, fitWithin, resizeGrey } from '../frame';

export type RoiOutcome =
  | { found: true; rect: Rect; /** share of the frame the region covers, 0–1 */ coverage: number }
  | { found: false; reason: 'uniform' | 'no-ultrasound'; message: string };

/** Working resolution: large enough for 4 px accuracy after refinement, small enough to be instant. */
const WORK_SIZE = 256;
/** Grey level (0–255) at or below which a pixel counts as black background (scanners draw on black). */
const DARK = 8;
/** Mean local standard deviation above which a region has speckle-like texture rather than flat UI fill. */
const TEXTURE = 1.2;
/** Local spread at which one pixel's neighbourhood counts as textured (JPEG noise on flat fill stays below). */
const TEXTURED_PIXEL = 0.8;
/** Share of a region's pixels that must be textured for it to be image rather than UI fill. */
const TEXTURED_SHARE = 0.4;

function integral(values: Float64Array, width: number, height: number): Float64Array {
  const out = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      rowSum += values[y * width + x]!;
      out[(y + 1) * (width + 1) + x + 1] = out[y * (width + 1) + x + 1]! + rowSum;
    }
  }
  return out;
}

function boxSum(ii: Float64Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  const w = width + 1;
  return ii[y1 * w + x1]! - ii[y0 * w + x1]! - ii[y1 * w + x0]! + ii[y0 * w + x0]!;
}

/** Local standard deviation over (2r+1)² windows, via integral images. */
function localSpread(image: GreyImage, radius: number): Float32Array {
  const { width, height, data } = image;
  const v = new Float64Array(width * height);
  const v2 = new Float64Array(width * height);
  for (let i = 0; i < v.length; i++) {
    v[i] = data[i]!;
    v2[i] = data[i]! * data[i]!;
  }
  const s = integral(v, width, height);
  const s2 = integral(v2, width, height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const n = (x1 - x0) * (y1 - y0);
      const mean = boxSum(s, width, x0, y0, x1, y1) / n;
      out[y * width + x] = Math.sqrt(Math.max(0, boxSum(s2, width, x0, y0, x1, y1) / n - mean * mean));
    }
  }
  return out;
}

function erode(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const inverted = mask.map((v) => (v ? 0 : 1));
  return dilate(inverted, width, height, radius).map((v) => (v ? 0 : 1));
}

export function dilate(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  // Separable square dilation: rows, then columns.
  const tmp = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width - 1, x + radius);
      for (let k = x0; k <= x1; k++) {
        if (mask[y * width + k]) {
          tmp[y * width + x] = 1;
          break;
        }
      }
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const y0 = Math.max(0, y - radius);
      const y1 = Math.min(height - 1, y + radius);
      for (let k = y0; k <= y1; k++) {
        if (tmp[k * width + x]) {
          out[y * width + x] = 1;
          break;
        }
      }
    }
  }
  return out;
}

interface Component {
  count: number;
  /** Sum of local spread over the component's pixels (mean = texture). */
  spreadSum: number;
  /** Pixels whose neighbourhood varies at all: speckle fills a region, a flat panel only has edges. */
  texturedCount: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** 4-connected components of `mask`, with each one's bounding box, size and summed local spread. */
export function components(
  mask: Uint8Array,
  width: number,
  height: number,
  spread: Float32Array,
): Component[] {
  const grouping = mask;
  const label = new Int32Array(grouping.length).fill(-1);
  const found: Component[] = [];
  const stack = new Int32Array(grouping.length);
  for (let start = 0; start < grouping.length; start++) {
    if (!grouping[start] || label[start] !== -1) continue;
    const id = found.length;
    const c: Component = {
      count: 0,
      spreadSum: 0,
      texturedCount: 0,
      minX: width,
      minY: height,
      maxX: -1,
      maxY: -1,
    };
    let top = 0;
    stack[top++] = start;
    label[start] = id;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % width;
      const y = (p - x) / width;
      if (mask[p]) {
        c.count++;
        c.spreadSum += spread[p]!;
        if (spread[p]! >= TEXTURED_PIXEL) c.texturedCount++;
        if (x < c.minX) c.minX = x;
        if (x > c.maxX) c.maxX = x;
        if (y < c.minY) c.minY = y;
        if (y > c.maxY) c.maxY = y;
      }
      const neighbours = [
        x > 0 ? p - 1 : -1,
        x < width - 1 ? p + 1 : -1,
        y > 0 ? p - width : -1,
        y < height - 1 ? p + width : -1,
      ];
      for (const q of neighbours) {
        if (q >= 0 && grouping[q] && label[q] === -1) {
          label[q] = id;
          stack[top++] = q;
        }
      }
    }
    if (c.count > 0) found.push(c);
  }
  return found;
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0) + 1);
}

/**
 * Moves each edge of a coarse box (accurate to about one working pixel) to the outermost full-resolution
 * row or column that still holds image content and is contiguous with the inside, so text or a ruler a
 * few pixels away is not swallowed.
 */
function refine(frame: GreyImage, coarse: Rect, slack: number): Rect {
  const { width, height, data } = frame;
  const bx0 = Math.max(0, Math.floor(coarse.x - slack));
  const by0 = Math.max(0, Math.floor(coarse.y - slack));
  const bx1 = Math.min(width, Math.ceil(coarse.x + coarse.width + slack));
  const by1 = Math.min(height, Math.ceil(coarse.y + coarse.height + slack));
  // Background from the darkest tenth of the search box's outer ring: usually black, grey on some scanners.
  const ring: number[] = [];
  for (let x = bx0; x < bx1; x++) ring.push(data[by0 * width + x]!, data[(by1 - 1) * width + x]!);
  for (let y = by0; y < by1; y++) ring.push(data[y * width + bx0]!, data[y * width + bx1 - 1]!);
  ring.sort((a, b) => a - b);
  const background = ring[Math.floor(ring.length * 0.1)] ?? 0;
  // Counts run only across the other axis's current extent, so a menu panel just below the image
  // does not make every column look like image content.
  const { rowCount, colCount } = backgroundDifferenceCounters(frame, background, 6);
  const inset = Math.ceil(slack);
  let left = Math.min(bx1 - 1, Math.floor(coarse.x) + inset);
  let right = Math.max(left, Math.ceil(coarse.x + coarse.width) - 1 - inset);
  let top = Math.min(by1 - 1, Math.floor(coarse.y) + inset);
  let bottom = Math.max(top, Math.ceil(coarse.y + coarse.height) - 1 - inset);
  // Rows, then columns, then rows again with the settled columns. A row or column belongs to the image
  // when a few of its pixels differ from the background; the minimum ignores noise and JPEG ringing.
  for (let pass = 0; pass < 2; pass++) {
    const minRow = Math.max(2, Math.round((right - left + 1) * 0.01));
    // The coarse box can overshoot into a gap (the texture window reaches a neighbouring panel's edge):
    // step inward to content first, then outward while content continues.
    while (top < bottom && rowCount(top, left, right) < minRow) top++;
    while (bottom > top && rowCount(bottom, left, right) < minRow) bottom--;
    while (top - 1 >= by0 && rowCount(top - 1, left, right) >= minRow) top--;
    while (bottom + 1 < by1 && rowCount(bottom + 1, left, right) >= minRow) bottom++;
    if (pass === 1) break;
    const minCol = Math.max(2, Math.round((bottom - top + 1) * 0.01));
    while (left < right && colCount(left, top, bottom) < minCol) left++;
    while (right > left && colCount(right, top, bottom) < minCol) right--;
    while (left - 1 >= bx0 && colCount(left - 1, top, bottom) >= minCol) left--;
    while (right + 1 < bx1 && colCount(right + 1, top, bottom) >= minCol) right++;
  }
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * The level of the screen around the image: the most common grey when it dominates the frame (a scanner's
 * grey interface, a black border), else black, for frames the image fills edge to edge.
 */
function backgroundLevel(image: GreyImage): number {
  const histogram = new Uint32Array(256);
  for (const v of image.data) histogram[v]!++;
  let best = 0;
  let bestCount = 0;
  for (let level = 0; level < 256; level++) {
    // A window of ±2 levels absorbs JPEG noise on flat fills.
    let count = 0;
    for (let k = Math.max(0, level - 2); k <= Math.min(255, level + 2); k++) count += histogram[k]!;
    if (count > bestCount) {
      bestCount = count;
      best = level;
    }
  }
  return bestCount >= 0.1 * image.data.length ? best : 0;
}

/** Standard deviation of the frame, on a subsample: a cheap test for blank or uniform frames. */
export function frameSpread(frame: GreyImage): number {
  const step = Math.max(1, Math.floor(frame.data.length / 65536));
  let n = 0;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < frame.data.length; i += step) {
    const v = frame.data[i]!;
    s += v;
    s2 += v * v;
    n++;
  }
  const mean = s / n;
  return Math.sqrt(Math.max(0, s2 / n - mean * mean));
}

/**
 * Locates the ultrasound image (sector or rectangle) inside a frame such as a scanner screen grab.
 * The image is the largest textured region; parts of one sector split by a rib shadow are joined.
 */
export function detectUltrasoundRegion(frame: GreyImage): RoiOutcome {
  if (frameSpread(frame) < 2) {
    return {
      found: false,
      reason: 'uniform',
      message: 'The frame is almost uniform: no ultrasound image in it.',
    };
  }
  const work = fitWithin(frame.width, frame.height, WORK_SIZE, WORK_SIZE);
  const scaleX = frame.width / work.width;
  const scaleY = frame.height / work.height;
  const small = resizeGrey(frame, work.width, work.height);
  const background = backgroundLevel(small);
  const bright = new Uint8Array(small.data.length);
  for (let i = 0; i < bright.length; i++) bright[i] = Math.abs(small.data[i]! - background) > DARK ? 1 : 0;
  // Opening removes thin structures (text strokes, ruler ticks, calliper lines) that would otherwise
  // join the image; the body of a sector or rectangle survives it.
  const opened = dilate(erode(bright, work.width, work.height, 2), work.width, work.height, 2);
  const spread = localSpread(small, 1);
  // Flat menu panels and banners are bright but textureless; the image is the largest textured part.
  const textured = (c: Component) =>
    c.spreadSum / c.count >= TEXTURE && c.texturedCount / c.count >= TEXTURED_SHARE;
  const texture = (c: Component) => c.spreadSum / c.count;
  // Size weighted by (capped) texture, so a big flat panel does not outrank a smaller speckled image.
  const weight = (c: Component) => c.count * Math.min(texture(c), 8);
  const parts = components(opened, work.width, work.height, spread)
    .filter(textured)
    .sort((a, b) => weight(b) - weight(a));
  const main = parts[0];
  const minimumArea = 0.02 * work.width * work.height;
  if (!main || main.count < minimumArea) {
    return {
      found: false,
      reason: 'no-ultrasound',
      message: 'No ultrasound image found in this frame (no region with ultrasound texture).',
    };
  }
  const box = { ...main };
  for (const other of parts.slice(1)) {
    if (other.count < 0.1 * main.count) continue;
    // Parts of one image split by a rib shadow (side by side) or by anechoic fluid (one above the other).
    const sharedRows = overlap(other.minY, other.maxY, box.minY, box.maxY);
    const sharedCols = overlap(other.minX, other.maxX, box.minX, box.maxX);
    if (
      sharedRows >= 0.5 * Math.min(other.maxY - other.minY + 1, box.maxY - box.minY + 1) ||
      sharedCols >= 0.5 * Math.min(other.maxX - other.minX + 1, box.maxX - box.minX + 1)
    ) {
      box.minX = Math.min(box.minX, other.minX);
      box.minY = Math.min(box.minY, other.minY);
      box.maxX = Math.max(box.maxX, other.maxX);
      box.maxY = Math.max(box.maxY, other.maxY);
    }
  }
  const coarse: Rect = {
    x: box.minX * scaleX,
    y: box.minY * scaleY,
    width: (box.maxX - box.minX + 1) * scaleX,
    height: (box.maxY - box.minY + 1) * scaleY,
  };
  const rect = refine(frame, coarse, 2 * Math.max(scaleX, scaleY));
  return { found: true, rect, coverage: (rect.width * rect.height) / (frame.width * frame.height) };
}
