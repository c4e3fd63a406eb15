// Image formation in beam space: scatterers, point-spread blur, envelope, attenuation, TGC, noise, log compression.
import { type BeamGrid, lineSpacingMm } from './geometry.ts';
import type { PhantomParams } from './params.ts';
import { GAUSSIAN_TABLE, Random } from './random.ts';
import type { BeamScene, Motion } from './scene.ts';

/** Circular complex Gaussian scatterer fields; the second one lets cine rotate between them without redrawing. */
export interface ScatterField {
  re: Float32Array;
  im: Float32Array;
  re2: Float32Array | null;
  im2: Float32Array | null;
  /** Amplitude gain per sample: sparse bright specular points in the chest wall, 1 elsewhere. */
  specular: Float32Array;
  noiseRe: Float32Array;
  noiseIm: Float32Array;
}

export function drawScatterers(params: PhantomParams, grid: BeamGrid, forCine: boolean): ScatterField {
  const n = grid.lines * grid.samples;
  const rng = new Random((params.textureSeed ^ 0x5ca77e55) >>> 0);
  const table = GAUSSIAN_TABLE;
  const fill = (a: Float32Array, b: Float32Array): void => {
    for (let k = 0; k < n; k++) {
      const u = rng.nextUint32();
      a[k] = table[u & 0xffff]!;
      b[k] = table[u >>> 16]!;
    }
  };
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  fill(re, im);
  let re2: Float32Array | null = null;
  let im2: Float32Array | null = null;
  if (forCine) {
    re2 = new Float32Array(n);
    im2 = new Float32Array(n);
    fill(re2, im2);
  }
  const noiseRe = new Float32Array(n);
  const noiseIm = new Float32Array(n);
  fill(noiseRe, noiseIm);
  const specular = new Float32Array(n).fill(1);
  const gain = Math.sqrt(10 ** (params.chestWall.specularDb / 10));
  const count = Math.round(n * params.chestWall.specularFraction);
  for (let s = 0; s < count; s++) specular[rng.nextUint32() % n] = gain * (0.5 + rng.next());
  return { re, im, re2, im2, specular, noiseRe, noiseIm };
}

/** Gaussian taps; unit energy keeps speckle power unchanged, unit sum keeps mean brightness unchanged. */
export function gaussianKernel(sigma: number, norm: 'energy' | 'sum'): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let t = -radius; t <= radius; t++) {
    const w = Math.exp((-t * t) / (2 * sigma * sigma));
    k[t + radius] = w;
    total += norm === 'energy' ? w * w : w;
  }
  const scale = norm === 'energy' ? 1 / Math.sqrt(total) : 1 / total;
  for (let t = 0; t < k.length; t++) k[t] = k[t]! * scale;
  return k;
}

/** Blur along depth (layout [sample * lines + line]); sigma in samples. */
export function blurAlongDepth(
  data: Float32Array,
  lines: number,
  samples: number,
  kernel: Float32Array,
  out: Float32Array,
): void {
  const radius = (kernel.length - 1) / 2;
  out.fill(0);
  for (let j = 0; j < samples; j++) {
    const o = j * lines;
    for (let t = -radius; t <= radius; t++) {
      const jj = j + t < 0 ? 0 : j + t >= samples ? samples - 1 : j + t;
      const w = kernel[t + radius]!;
      const src = jj * lines;
      for (let i = 0; i < lines; i++) out[o + i] = out[o + i]! + w * data[src + i]!;
    }
  }
}

/** Blur across lines, one kernel per depth row (lateral resolution varies with depth). */
export function blurAcrossLines(
  data: Float32Array,
  lines: number,
  samples: number,
  kernelForRow: (j: number) => Float32Array | null,
  out: Float32Array,
): void {
  for (let j = 0; j < samples; j++) {
    const o = j * lines;
    const kernel = kernelForRow(j);
    if (!kernel) {
      out.set(data.subarray(o, o + lines), o);
      continue;
    }
    const radius = (kernel.length - 1) / 2;
    for (let i = 0; i < lines; i++) {
      let acc = 0;
      const lo = i - radius;
      if (lo >= 0 && i + radius < lines) {
        for (let t = 0; t < kernel.length; t++) acc += kernel[t]! * data[o + lo + t]!;
      } else {
        for (let t = 0; t < kernel.length; t++) {
          const ii = lo + t < 0 ? 0 : lo + t >= lines ? lines - 1 : lo + t;
          acc += kernel[t]! * data[o + ii]!;
        }
      }
      out[o + i] = acc;
    }
  }
}

/** Caches kernels by sigma rounded to 0.05, since neighbouring rows need nearly the same one. */
export function kernelCache(norm: 'energy' | 'sum'): (sigma: number) => Float32Array | null {
  const cache = new Map<number, Float32Array>();
  return (sigma: number) => {
    if (sigma < 0.3) return null;
    const key = Math.round(sigma * 20);
    let k = cache.get(key);
    if (!k) {
      k = gaussianKernel(key / 20, norm);
      cache.set(key, k);
    }
    return k;
  };
}

/** Smooth interpolation of per-band TGC errors over depth. */
function tgcErrorAt(errors: number[], frac: number): number {
  const n = errors.length;
  const x = Math.min(Math.max(frac * (n - 1), 0), n - 1);
  const k = Math.min(Math.floor(x), n - 2);
  const f = x - k;
  const s = f * f * (3 - 2 * f);
  return errors[k]! * (1 - s) + errors[k + 1]! * s;
}

/**
 * Turns a beam-space scene into display grey levels (0–255, float) in beam space.
 * phase: rotation between the two scatterer fields in cine (0 for stills).
 */
export function formBeamImage(
  params: PhantomParams,
  scene: BeamScene,
  field: ScatterField,
  phase: number,
  motion: Motion,
): Float32Array {
  const grid = scene.grid;
  const L = grid.lines;
  const S = grid.samples;
  const dr = grid.dr;
  const n = L * S;
  const img = params.imaging;
  const probe = params.probe;
  const tissuePerMm = (2 * params.chestWall.attenuationDbPerCmMHz * probe.frequencyMHz) / 10;

  const tgc = new Float32Array(S);
  for (let j = 0; j < S; j++) {
    tgc[j] = img.tgcCompensation * tissuePerMm * j * dr + tgcErrorAt(img.tgcErrorsDb, j / (S - 1));
  }
  const tgcBottom = tgc[S - 1]!;

  // Element directivity: lines near the sector's edges are a little darker.
  const edge = new Float32Array(L);
  for (let i = 0; i < L; i++) {
    const u = Math.abs((2 * i) / (L - 1) - 1);
    const db = -probe.edgeFalloffDb * Math.max(0, (u - 0.6) / 0.4) ** 2;
    edge[i] = 10 ** (db / 20);
  }

  const cosP = Math.cos(phase);
  const sinP = Math.sin(phase);
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  const shiftLines = motion.lungShiftMm / ((grid.lateralMm[L - 1]! - grid.lateralMm[0]!) / (L - 1));
  const ln10over20 = Math.LN10 / 20;
  const cum = new Float32Array(L);
  for (let j = 0; j < S; j++) {
    const o = j * L;
    const r = j * dr;
    for (let i = 0; i < L; i++) {
      const k = o + i;
      const a = cum[i]!;
      cum[i] = a + scene.attenuation[k]!;
      const amp =
        Math.sqrt(Math.max(0, scene.power[k]!)) *
        Math.exp((tgc[j]! - a + img.gainDb) * ln10over20) *
        edge[i]!;
      let gr: number;
      let gi: number;
      if (shiftLines !== 0 && r > scene.pleuraMm[i]! + 1) {
        // Lung sliding: the speckle under the pleura moves with the lung, the chest wall's does not.
        const x = i - shiftLines;
        const x0 = Math.floor(x);
        const f = x - x0;
        const i0 = o + Math.min(L - 1, Math.max(0, x0));
        const i1 = o + Math.min(L - 1, Math.max(0, x0 + 1));
        const norm = 1 / Math.sqrt((1 - f) * (1 - f) + f * f);
        gr = ((1 - f) * field.re[i0]! + f * field.re[i1]!) * norm;
        gi = ((1 - f) * field.im[i0]! + f * field.im[i1]!) * norm;
        if (field.re2 && field.im2) {
          const gr2 = ((1 - f) * field.re2[i0]! + f * field.re2[i1]!) * norm;
          const gi2 = ((1 - f) * field.im2[i0]! + f * field.im2[i1]!) * norm;
          gr = gr * cosP + gr2 * sinP;
          gi = gi * cosP + gi2 * sinP;
        }
      } else {
        gr = field.re[k]!;
        gi = field.im[k]!;
        if (field.re2 && field.im2) {
          gr = gr * cosP + field.re2[k]! * sinP;
          gi = gi * cosP + field.im2[k]! * sinP;
        }
      }
      const spec = j < scene.specularUntil[i]! ? field.specular[k]! : 1;
      re[k] = amp * gr * spec;
      im[k] = amp * gi * spec;
    }
  }

  // Point-spread function: axial Gaussian, lateral Gaussian widening away from the focus.
  const tmp = new Float32Array(n);
  const axialSigma = probe.axialFwhmMm / 2.355 / dr;
  if (axialSigma >= 0.3) {
    const kernel = gaussianKernel(axialSigma, 'energy');
    blurAlongDepth(re, L, S, kernel, tmp);
    re.set(tmp);
    blurAlongDepth(im, L, S, kernel, tmp);
    im.set(tmp);
  }
  const kernels = kernelCache('energy');
  const lateralSigma = new Float32Array(S);
  for (let j = 0; j < S; j++) {
    const r = j * dr;
    const z = (r - probe.focusDepthMm) / probe.focalRangeMm;
    const fwhm = probe.lateralFwhmMm * Math.min(2.5, Math.sqrt(1 + z * z));
    lateralSigma[j] = Math.min(fwhm / 2.355 / lineSpacingMm(grid, r), 14);
  }
  blurAcrossLines(re, L, S, (j) => kernels(lateralSigma[j]!), tmp);
  re.set(tmp);
  blurAcrossLines(im, L, S, (j) => kernels(lateralSigma[j]!), tmp);

  // Envelope, electronic noise (amplified by the same TGC), log compression to the display range.
  const top = img.dynamicRangeDb * (1 - img.muscleGrey);
  const floorDb = top - img.dynamicRangeDb;
  const out = new Float32Array(n);
  const scale = 255 / img.dynamicRangeDb;
  const gamma = img.gamma;
  const black = img.blackLevel;
  const blackScale = (255 - black) / 255;
  const tenOverLn10 = 10 / Math.LN10;
  for (let j = 0; j < S; j++) {
    const o = j * L;
    const noiseAmp = Math.exp((top - img.noiseBelowTopDb + img.gainDb + tgc[j]! - tgcBottom) * ln10over20);
    for (let i = 0; i < L; i++) {
      const k = o + i;
      const xr = re[k]! + noiseAmp * field.noiseRe[k]!;
      const xi = tmp[k]! + noiseAmp * field.noiseIm[k]!;
      const db = tenOverLn10 * Math.log(xr * xr + xi * xi + 1e-30);
      let v = (db - floorDb) * scale;
      v = v < 0 ? 0 : v > 255 ? 255 : v;
      if (gamma !== 1) v = 255 * (v / 255) ** gamma;
      out[k] = black + v * blackScale;
    }
  }
  // Speckle reduction: smoothing after detection, a fraction of a resolution cell wide, lowers speckle contrast
  // without moving edges, as scanners' speckle-reduction filters do.
  const sr = img.speckleReduction;
  if (sr > 0.05) {
    const axial = sr * Math.max(axialSigma, 0.5);
    if (axial >= 0.3) {
      blurAlongDepth(out, L, S, gaussianKernel(axial, 'sum'), tmp);
      out.set(tmp);
    }
    const sums = kernelCache('sum');
    blurAcrossLines(out, L, S, (j) => sums(sr * lateralSigma[j]!), tmp);
    out.set(tmp);
  }
  return out;
}
