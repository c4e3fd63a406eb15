// Scanner post-processing (median, bilateral, unsharp mask) and training-time photometric and capture degradations.
import type { AugmentParams, PostProcessingParams } from './params.ts';
import { GAUSSIAN_TABLE, Random } from './random.ts';

/** Separable Gaussian blur of a W×H float image (edges replicated). */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  if (sigma < 0.2) return src.slice();
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let t = -radius; t <= radius; t++) {
    k[t + radius] = Math.exp((-t * t) / (2 * sigma * sigma));
    total += k[t + radius]!;
  }
  for (let t = 0; t < k.length; t++) k[t] = k[t]! / total;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let t = -radius; t <= radius; t++) {
        const xx = x + t < 0 ? 0 : x + t >= width ? width - 1 : x + t;
        acc += k[t + radius]! * src[o + xx]!;
      }
      tmp[o + x] = acc;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let t = -radius; t <= radius; t++) {
        const yy = y + t < 0 ? 0 : y + t >= height ? height - 1 : y + t;
        acc += k[t + radius]! * tmp[yy * width + x]!;
      }
      out[y * width + x] = acc;
    }
  }
  return out;
}

function median3x3(src: Float32Array, width: number, height: number, sector: Uint8Array): Float32Array {
  const out = src.slice();
  const win = new Float32Array(9);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const o = y * width + x;
      if (!sector[o]) continue;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) win[n++] = src[o + dy * width + dx]!;
      win.sort();
      out[o] = win[4]!;
    }
  }
  return out;
}

/** 5×5 bilateral filter: speckle reduction that keeps the pleural line's edge, as scanners' "speckle reduction" does. */
function bilateral(src: Float32Array, width: number, height: number, sector: Uint8Array): Float32Array {
  const out = src.slice();
  const sigmaR = 22;
  const inv = 1 / (2 * sigmaR * sigmaR);
  for (let y = 2; y < height - 2; y++) {
    for (let x = 2; x < width - 2; x++) {
      const o = y * width + x;
      if (!sector[o]) continue;
      const c = src[o]!;
      let acc = 0;
      let wsum = 0;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const v = src[o + dy * width + dx]!;
          const d = v - c;
          const w = Math.exp(-(dx * dx + dy * dy) / 4.5 - d * d * inv);
          acc += w * v;
          wsum += w;
        }
      }
      out[o] = acc / wsum;
    }
  }
  return out;
}

export function postProcess(
  image: Float32Array,
  width: number,
  height: number,
  sector: Uint8Array,
  post: PostProcessingParams,
): Float32Array {
  let img = image;
  if (post.smoothing === 'median') img = median3x3(img, width, height, sector);
  else if (post.smoothing === 'bilateral') img = bilateral(img, width, height, sector);
  if (post.unsharp) {
    const blurred = gaussianBlur(img, width, height, post.unsharp.sigmaPx);
    const out = new Float32Array(img.length);
    for (let k = 0; k < img.length; k++) {
      out[k] = sector[k] ? img[k]! + post.unsharp.amount * (img[k]! - blurred[k]!) : 0;
    }
    img = out;
  }
  for (let k = 0; k < img.length; k++) if (!sector[k]) img[k] = 0;
  return img;
}

/** Brightness and contrast as a scanner's or a monitor's settings would change them: inside the image only. */
export function photometric(image: Float32Array, sector: Uint8Array, a: AugmentParams): void {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < image.length; k++) {
    if (sector[k]) {
      sum += image[k]!;
      count++;
    }
  }
  const mean = count > 0 ? sum / count : 0;
  for (let k = 0; k < image.length; k++) {
    if (!sector[k]) continue;
    const v = ((image[k]! - mean) * a.contrast + mean) * a.brightness;
    image[k] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}

/** What a capture path does to the whole frame: blur, down-then-up scaling, sensor noise. */
export function captureDegrade(
  image: Float32Array,
  width: number,
  height: number,
  a: AugmentParams,
  seed: number,
): Float32Array {
  let img = image;
  if (a.blurSigmaPx > 0) img = gaussianBlur(img, width, height, a.blurSigmaPx);
  if (a.rescale < 1) {
    const w2 = Math.max(8, Math.round(width * a.rescale));
    const h2 = Math.max(8, Math.round(height * a.rescale));
    const small = new Float32Array(w2 * h2);
    // Box-average down (what most resizers do), bilinear back up.
    for (let y = 0; y < h2; y++) {
      const y0 = Math.floor((y * height) / h2);
      const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / h2));
      for (let x = 0; x < w2; x++) {
        const x0 = Math.floor((x * width) / w2);
        const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / w2));
        let acc = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) acc += img[yy * width + xx]!;
        small[y * w2 + x] = acc / ((y1 - y0) * (x1 - x0));
      }
    }
    const up = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      const fy = Math.min(Math.max(((y + 0.5) * h2) / height - 0.5, 0), h2 - 1);
      const y0 = Math.min(Math.floor(fy), h2 - 2);
      const b = fy - y0;
      for (let x = 0; x < width; x++) {
        const fx = Math.min(Math.max(((x + 0.5) * w2) / width - 0.5, 0), w2 - 1);
        const x0 = Math.min(Math.floor(fx), w2 - 2);
        const c = fx - x0;
        const k = y0 * w2 + x0;
        up[y * width + x] =
          (1 - b) * ((1 - c) * small[k]! + c * small[k + 1]!) +
          b * ((1 - c) * small[k + w2]! + c * small[k + w2 + 1]!);
      }
    }
    img = up;
  }
  if (a.noiseSigma > 0) {
    if (img === image) img = image.slice();
    const rng = new Random(seed);
    for (let k = 0; k < img.length; k++) {
      const v = img[k]! + a.noiseSigma * GAUSSIAN_TABLE[rng.nextUint32() & 0xffff]!;
      img[k] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return img;
}
