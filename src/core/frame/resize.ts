// Resampling of grey frames: the one implementation used by the app, the worker, the CLI and training.

import { createGreyImage, type GreyImage } from './image';

/**
 * Per-axis weights: area averaging when shrinking (no aliasing of speckle), bilinear when enlarging.
 * Pixel centres are at i + 0.5 in both grids, so the image is neither shifted nor cropped.
 */
interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

function axisWeights(srcSize: number, dstSize: number): AxisWeights {
  const scale = srcSize / dstSize;
  const support = scale > 1 ? scale : 1;
  const stride = Math.ceil(support) + 2;
  const start = new Int32Array(dstSize);
  const count = new Int32Array(dstSize);
  const weights = new Float32Array(dstSize * stride);
  for (let i = 0; i < dstSize; i++) {
    const centre = (i + 0.5) * scale;
    if (scale > 1) {
      // Box filter over the source interval [i*scale, (i+1)*scale) with fractional end pixels.
      const lo = i * scale;
      const hi = lo + scale;
      const first = Math.floor(lo);
      const last = Math.min(srcSize - 1, Math.ceil(hi) - 1);
      start[i] = first;
      count[i] = last - first + 1;
      let total = 0;
      for (let s = first; s <= last; s++) {
        const w = Math.min(hi, s + 1) - Math.max(lo, s);
        weights[i * stride + (s - first)] = w;
        total += w;
      }
      for (let k = 0; k < count[i]!; k++) weights[i * stride + k]! /= total;
    } else {
      const pos = centre - 0.5;
      const left = Math.floor(pos);
      const frac = pos - left;
      const a = Math.min(srcSize - 1, Math.max(0, left));
      const b = Math.min(srcSize - 1, Math.max(0, left + 1));
      start[i] = a;
      if (a === b) {
        count[i] = 1;
        weights[i * stride] = 1;
      } else {
        count[i] = 2;
        weights[i * stride] = 1 - frac;
        weights[i * stride + 1] = frac;
      }
    }
  }
  return { start, count, weights, stride };
}

/** Resizes to exactly width × height (aspect not preserved; see letterbox for padding). Result is float. */
export function resizeGreyToFloat(image: GreyImage, width: number, height: number): Float32Array {
  const xw = axisWeights(image.width, width);
  const yw = axisWeights(image.height, height);
  // Horizontal pass into a float buffer, then vertical: separable, O(pixels × support).
  const tmp = new Float32Array(width * image.height);
  for (let y = 0; y < image.height; y++) {
    const row = y * image.width;
    for (let x = 0; x < width; x++) {
      const s0 = xw.start[x]!;
      const n = xw.count[x]!;
      let acc = 0;
      for (let k = 0; k < n; k++) acc += image.data[row + s0 + k]! * xw.weights[x * xw.stride + k]!;
      tmp[y * width + x] = acc;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const s0 = yw.start[y]!;
    const n = yw.count[y]!;
    for (let k = 0; k < n; k++) {
      const w = yw.weights[y * yw.stride + k]!;
      const src = (s0 + k) * width;
      const dst = y * width;
      for (let x = 0; x < width; x++) out[dst + x]! += tmp[src + x]! * w;
    }
  }
  return out;
}

export function resizeGrey(image: GreyImage, width: number, height: number): GreyImage {
  const f = resizeGreyToFloat(image, width, height);
  const out = createGreyImage(width, height);
  for (let i = 0; i < f.length; i++) out.data[i] = Math.round(f[i]!);
  return out;
}

/** Largest size with the source's aspect ratio that fits in maxWidth × maxHeight (never enlarges). */
export function fitWithin(
  width: number,
  height: number,
  maxWidth: number,
  maxHeight: number,
): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
