// The input gate's image checks: cheap tests on the pixels before the model (colour, speckle, text, noise) that need no model.

import type { GreyImage, Rect, RgbaImage } from '../frame';
import type { GateReasonCode } from './reasons';

/** Numbers the image checks looked at; kept with the verdict so a refusal can be explained and audited. */
export interface ImageEvidence {
  /** Share of the whole frame's pixels that are clearly coloured (not grey). */
  colourShare: number;
  /** Share of the crop's pixels that are strongly coloured (red, blue, yellow flow colours). */
  colourInImageShare: number;
  /** Share of the crop that is brighter than the black background. */
  brightShare: number;
  /** Correlation of horizontally adjacent pixels: speckle grains span pixels, independent noise does not. */
  neighbourCorrelation: number;
  /** Median 3×3 grey range over bright pixels: speckle varies, X-rays and drawings are smooth. */
  medianLocalRange: number;
  /** Share of adjacent pixel pairs in the crop that differ by at most one grey level. */
  flatShare: number;
  /** Among pairs that differ, the share that jump by sharpStep or more: text strokes on a flat page. */
  sharpEdgeShare: number;
  /** Median 3×3 range on the crop scaled to 96 px across (speckle at a coarse scale). */
  coarseRange: number;
  /** coarseRange over the median grey of the bright pixels. */
  coarseContrast: number;
  /**
   * Spread of 8×8 block means over the mean spread inside blocks: an ultrasound image has structure
   * (depth, pleura, shadows, the sector's edge); a frame of independent noise is the same everywhere.
   */
  blockStructure: number;
}

/** Thresholds of the image checks, chosen on phantoms, the real frames and generated negatives (docs/input-gate.md). */
export const IMAGE_CHECKS = {
  /** max(R,G,B) − min(R,G,B) at or above which a pixel is coloured. */
  chroma: 40,
  /** A frame this coloured is a photograph (Doppler boxes cover far less of the screen). */
  photoColourShare: 0.25,
  /** Flow colour in this share of the ultrasound image means a Doppler box. */
  dopplerShare: 0.01,
  /** Grey level at or below which a pixel is background (outside the sector). */
  dark: 12,
  /** Below this adjacent-pixel correlation the texture is independent noise, not speckle. */
  minNeighbourCorrelation: 0.25,
  /** Below this median 3×3 range there is no speckle. */
  minLocalRange: 6,
  /** Text and forms: mostly flat, and most of what changes changes abruptly. */
  textFlatShare: 0.7,
  textSharpEdgeShare: 0.5,
  /** Speckle changes gradually; independent noise jumps between almost every pair of pixels. */
  noiseSharpEdgeShare: 0.5,
  /** Noise is also structureless: block means barely differ compared with the spread inside blocks. */
  noiseBlockStructure: 0.25,
  /** A jump of this many grey levels between adjacent pixels is an edge, not speckle. */
  sharpStep: 64,
  /** Below this coarse-scale median range, or this contrast, there is no speckle at all (drawings, blank fills). */
  minCoarseRange: 3,
  minCoarseContrast: 0.07,
  /**
   * An X-ray fills its whole crop with tissue grey (no black outside a sector) and is smooth at the coarse
   * scale; ultrasound that fills its crop (linear probes) still shows speckle contrast above this.
   */
  filledShare: 0.97,
  filledMinCoarseContrast: 0.15,
} as const;

/** At most this many pixels are examined per check, whatever the frame size. */
const SAMPLE_BUDGET = 120_000;
/** Width of the coarse view used for the X-ray check. */
const COARSE_SIDE = 96;

/** Colour evidence on the full RGBA frame and inside the crop; before anything turns it grey. */
export function colourEvidence(
  image: RgbaImage,
  crop: Rect | null,
): Pick<ImageEvidence, 'colourShare' | 'colourInImageShare'> {
  const { width, height, data } = image;
  const step = Math.max(1, Math.round(Math.sqrt((width * height) / SAMPLE_BUDGET)));
  let coloured = 0;
  let total = 0;
  let inCrop = 0;
  let inCropColoured = 0;
  const cx0 = crop ? crop.x : 0;
  const cy0 = crop ? crop.y : 0;
  const cx1 = crop ? crop.x + crop.width : width;
  const cy1 = crop ? crop.y + crop.height : height;
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const i = (y * width + x) * 4;
      const r = data[i]!;
      const g = data[i + 1]!;
      const b = data[i + 2]!;
      const chroma = Math.max(r, g, b) - Math.min(r, g, b);
      const isColoured = chroma >= IMAGE_CHECKS.chroma;
      total++;
      if (isColoured) coloured++;
      if (x >= cx0 && x < cx1 && y >= cy0 && y < cy1) {
        inCrop++;
        // Flow colours are saturated: strong chroma, not a faint tint of the grey scale.
        if (chroma >= 2 * IMAGE_CHECKS.chroma) inCropColoured++;
      }
    }
  }
  return {
    colourShare: total ? coloured / total : 0,
    colourInImageShare: inCrop ? inCropColoured / inCrop : 0,
  };
}

/** Texture evidence inside the crop, on the grey frame at its own resolution (speckle grain is a few pixels). */
export function textureEvidence(
  grey: GreyImage,
  crop: Rect,
): Pick<
  ImageEvidence,
  | 'brightShare'
  | 'neighbourCorrelation'
  | 'medianLocalRange'
  | 'flatShare'
  | 'sharpEdgeShare'
  | 'coarseRange'
  | 'coarseContrast'
  | 'blockStructure'
> {
  const { width, data } = grey;
  const x0 = Math.max(1, Math.floor(crop.x));
  const y0 = Math.max(1, Math.floor(crop.y));
  const x1 = Math.min(grey.width - 1, Math.floor(crop.x + crop.width));
  const y1 = Math.min(grey.height - 1, Math.floor(crop.y + crop.height));
  const area = Math.max(1, (x1 - x0) * (y1 - y0));
  const rowStep = Math.max(1, Math.round(area / SAMPLE_BUDGET));
  const dark = IMAGE_CHECKS.dark;
  let seen = 0;
  let bright = 0;
  const ranges = new Uint32Array(256);
  const levels = new Uint32Array(256);
  let n = 0;
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  let pairs = 0;
  let flatPairs = 0;
  let sharpPairs = 0;
  for (let y = y0; y < y1; y += rowStep) {
    for (let x = x0; x < x1; x++) {
      seen++;
      const v = data[y * width + x]!;
      if (x + 1 < x1) {
        const diff = Math.abs(data[y * width + x + 1]! - v);
        pairs++;
        if (diff <= 1) flatPairs++;
        else if (diff >= IMAGE_CHECKS.sharpStep) sharpPairs++;
      }
      if (v <= dark) continue;
      bright++;
      levels[v]!++;
      let lo = 255;
      let hi = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const u = data[(y + dy) * width + x + dx]!;
          if (u < lo) lo = u;
          if (u > hi) hi = u;
        }
      }
      ranges[hi - lo]!++;
      const w = data[y * width + x + 1]!;
      if (x + 1 < x1 && w > dark) {
        n++;
        sa += v;
        sb += w;
        saa += v * v;
        sbb += w * w;
        sab += v * w;
      }
    }
  }
  let correlation = 0;
  if (n > 1) {
    const cov = sab / n - (sa / n) * (sb / n);
    const va = saa / n - (sa / n) ** 2;
    const vb = sbb / n - (sb / n) ** 2;
    // No variation among bright pixels (salt and pepper): nothing like speckle's smooth grain.
    correlation = va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
  }
  const coarseRange = coarseLocalRange(grey, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
  return {
    coarseRange,
    coarseContrast: coarseRange / Math.max(1, median(levels, bright)),
    blockStructure: blockStructure(grey, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }),
    brightShare: seen ? bright / seen : 0,
    neighbourCorrelation: correlation,
    medianLocalRange: median(ranges, bright),
    flatShare: pairs ? flatPairs / pairs : 1,
    sharpEdgeShare: pairs - flatPairs > 0 ? sharpPairs / (pairs - flatPairs) : 0,
  };
}

function blockStructure(grey: GreyImage, crop: Rect): number {
  const blocks = 8;
  const means: number[] = [];
  let within = 0;
  for (let by = 0; by < blocks; by++) {
    for (let bx = 0; bx < blocks; bx++) {
      const x0 = Math.floor(crop.x + (bx * crop.width) / blocks);
      const x1 = Math.floor(crop.x + ((bx + 1) * crop.width) / blocks);
      const y0 = Math.floor(crop.y + (by * crop.height) / blocks);
      const y1 = Math.floor(crop.y + ((by + 1) * crop.height) / blocks);
      const step = Math.max(1, Math.floor(Math.sqrt(((x1 - x0) * (y1 - y0)) / 400)));
      let n = 0;
      let s = 0;
      let s2 = 0;
      for (let y = y0; y < y1; y += step) {
        for (let x = x0; x < x1; x += step) {
          const v = grey.data[y * grey.width + x]!;
          n++;
          s += v;
          s2 += v * v;
        }
      }
      if (!n) continue;
      const m = s / n;
      means.push(m);
      within += Math.sqrt(Math.max(0, s2 / n - m * m));
    }
  }
  if (means.length < 2) return 0;
  const mean = means.reduce((a, b) => a + b, 0) / means.length;
  const spread = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / means.length);
  return spread / Math.max(1, within / means.length);
}

function median(histogram: Uint32Array, count: number): number {
  if (!count) return 0;
  for (let acc = 0, r = 0; r < histogram.length; r++) {
    acc += histogram[r]!;
    if (acc * 2 >= count) return r;
  }
  return histogram.length - 1;
}

/**
 * Median 3×3 range on the crop scaled to COARSE_SIDE pixels across: speckle survives this scale even in
 * smoothed or upscaled exports, while an X-ray's soft shadows and a drawing's fills do not.
 */
function coarseLocalRange(grey: GreyImage, crop: Rect): number {
  const scale = Math.max(1, Math.max(crop.width, crop.height) / COARSE_SIDE);
  const w = Math.max(3, Math.floor(crop.width / scale));
  const h = Math.max(3, Math.floor(crop.height / scale));
  const small = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Box average over the source pixels this cell covers.
      const sx0 = Math.floor(crop.x + x * scale);
      const sy0 = Math.floor(crop.y + y * scale);
      const sx1 = Math.max(sx0 + 1, Math.floor(crop.x + (x + 1) * scale));
      const sy1 = Math.max(sy0 + 1, Math.floor(crop.y + (y + 1) * scale));
      let acc = 0;
      for (let yy = sy0; yy < sy1; yy++)
        for (let xx = sx0; xx < sx1; xx++) acc += grey.data[yy * grey.width + xx]!;
      small[y * w + x] = acc / ((sx1 - sx0) * (sy1 - sy0));
    }
  }
  const ranges = new Uint32Array(256);
  let count = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      if (small[y * w + x]! <= IMAGE_CHECKS.dark) continue;
      let lo = 255;
      let hi = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const u = small[(y + dy) * w + x + dx]!;
          if (u < lo) lo = u;
          if (u > hi) hi = u;
        }
      }
      ranges[Math.min(255, Math.round(hi - lo))]!++;
      count++;
    }
  }
  return median(ranges, count);
}

/** Colour checks alone: they can refuse a frame before any ultrasound region is looked for. */
export function judgeColour(
  e: Pick<ImageEvidence, 'colourShare' | 'colourInImageShare'>,
): GateReasonCode | null {
  if (e.colourShare >= IMAGE_CHECKS.photoColourShare) return 'colour-photo';
  if (e.colourInImageShare >= IMAGE_CHECKS.dopplerShare) return 'colour-doppler';
  return null;
}

/** The image checks' verdict: the first failed check, or null when the frame looks like B-mode ultrasound. */
export function judgeImage(e: ImageEvidence): GateReasonCode | null {
  if (e.colourShare >= IMAGE_CHECKS.photoColourShare) return 'colour-photo';
  // Before Doppler: a form's coloured button must not read as a colour box.
  if (e.flatShare >= IMAGE_CHECKS.textFlatShare && e.sharpEdgeShare >= IMAGE_CHECKS.textSharpEdgeShare)
    return 'text-screenshot';
  if (e.colourInImageShare >= IMAGE_CHECKS.dopplerShare) return 'colour-doppler';
  if (
    (e.neighbourCorrelation < IMAGE_CHECKS.minNeighbourCorrelation ||
      e.sharpEdgeShare >= IMAGE_CHECKS.noiseSharpEdgeShare) &&
    e.blockStructure < IMAGE_CHECKS.noiseBlockStructure
  )
    return 'noise';
  if (e.coarseRange < IMAGE_CHECKS.minCoarseRange || e.coarseContrast < IMAGE_CHECKS.minCoarseContrast)
    return 'no-speckle';
  if (e.brightShare >= IMAGE_CHECKS.filledShare && e.coarseContrast < IMAGE_CHECKS.filledMinCoarseContrast)
    return 'no-speckle';
  return null;
}
