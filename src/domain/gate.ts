// The input gate: decides whether a frame looks like a lung-ultrasound B-mode image the model can read, and says why not in plain words.
//
// Two parts. Cheap image checks run on the pixels before the model (colour, speckle, text, noise) and
// need no model. The model-based part measures how far the frame's pooled features lie from the training
// distribution, with reference statistics and a calibrated threshold from the model's metadata (`gate`).

import type { GreyImage, Rect, RgbaImage } from './image';

export type GateReasonCode =
  | 'colour-photo'
  | 'colour-doppler'
  | 'text-screenshot'
  | 'noise'
  | 'no-speckle'
  | 'uniform'
  | 'no-ultrasound'
  | 'cardiac-view'
  | 'x-ray-view'
  | 'unfamiliar';

/** What the refusal says, for a tired reader at 3 a.m.: what it looks like, and what to do. */
export const GATE_MESSAGES: Record<GateReasonCode, string> = {
  'colour-photo': 'This looks like a colour photograph, not an ultrasound image.',
  'colour-doppler': 'Colour overlay present; freeze a plain B-mode frame.',
  'text-screenshot': 'This looks like a screenshot of text or a form, not an ultrasound image.',
  noise: 'This looks like random noise, not an ultrasound image.',
  'no-speckle':
    'No ultrasound texture in this image (it may be an X-ray, a drawing or a heavily smoothed copy).',
  uniform: 'The frame is almost uniform: no ultrasound image in it.',
  'no-ultrasound': 'No ultrasound image found in this frame.',
  'cardiac-view': 'This looks like a heart (cardiac) view, not a lung view.',
  'x-ray-view': 'This looks like an X-ray, not an ultrasound image.',
  unfamiliar: 'This image is unlike anything the model was trained on (not a lung view?).',
};

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

export interface GateVerdict {
  pass: boolean;
  reason?: GateReasonCode;
  /** Plain words: the refusal, or what was checked. */
  message: string;
  /** True when the model-based part took part (the model carries gate statistics and a threshold). */
  modelChecked: boolean;
  /** Normalised distance of the pooled features from the training distribution (about 1 inside it). */
  featureScore?: number;
  featureThreshold?: number;
  /** Scores against known non-lung views (0 at the lung training mean, 1 at the view's mean), by kind. */
  viewScores?: Record<string, number>;
  evidence?: ImageEvidence;
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

/** Reference statistics of the pooled features, as training/export_default.py gate_statistics writes them. */
export interface GateReference {
  featureCount: number;
  mean: Float64Array;
  /** Leading principal directions, each of featureCount values (unit length). */
  components: Float64Array[];
  componentVariances: Float64Array;
  /** Average variance left outside the principal directions. */
  residualVariance: number;
  /** Calibrated refusal threshold on featureScore; absent until `npm run gate:calibrate` has run. */
  threshold?: number;
  /** Views that are ultrasound but not lung (a heart), told apart from the lung training data. */
  views: NonLungView[];
}

/** Kinds of known non-lung ultrasound view the gate can recognise, with the refusal each one gives. */
export const NON_LUNG_VIEWS = {
  cardiac: 'cardiac-view',
  // An X-ray is not ultrasound, but some are grainy enough to pass the texture check, and a model's
  // features can place them among the lung frames' long tail: the same kind of discriminant refuses them.
  'chest-xray': 'x-ray-view',
} as const satisfies Record<string, GateReasonCode>;
export type NonLungKind = keyof typeof NON_LUNG_VIEWS;

/**
 * A known non-lung view, told apart from lung by a linear discriminant on the pooled features (logistic
 * regression fitted by `npm run gate:calibrate` on generated views against training phantoms and real
 * frames of the training clips). The distance check alone cannot refuse a heart: its features lie no
 * farther from the lung data than the phantoms' own long tail; the discriminant asks the sharper question
 * "nearer the heart or the lung?".
 */
export interface NonLungView {
  kind: NonLungKind;
  reason: GateReasonCode;
  weights: Float64Array;
  bias: number;
  /** Calibrated refusal threshold on the view score (a logit); absent until calibrated. */
  threshold?: number;
}

function numbers(value: unknown, length?: number): Float64Array | null {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !Number.isFinite(v))) return null;
  if (length !== undefined && value.length !== length) return null;
  return Float64Array.from(value as number[]);
}

/** Reads the metadata's `gate` field; null (with the model part switched off) when it is absent or malformed. */
export function parseGateReference(gate: Record<string, unknown> | undefined): GateReference | null {
  if (!gate || gate.kind !== 'pooled-features') return null;
  const mean = numbers(gate.mean);
  if (!mean || mean.length === 0) return null;
  const d = mean.length;
  const raw = gate.principalComponents;
  if (!Array.isArray(raw)) return null;
  const components = raw.map((c) => numbers(c, d));
  if (components.some((c) => c === null)) return null;
  const componentVariances = numbers(gate.principalVariances, components.length);
  const residual = gate.residualVariance;
  if (!componentVariances || typeof residual !== 'number' || !(residual > 0)) return null;
  const threshold = gate.threshold;
  const reference: GateReference = {
    featureCount: d,
    mean,
    components: components as Float64Array[],
    componentVariances,
    residualVariance: residual,
    ...(typeof threshold === 'number' && threshold > 0 ? { threshold } : {}),
    views: [],
  };
  if (Array.isArray(gate.nonLung)) {
    for (const entry of gate.nonLung as unknown[]) {
      const view = parseNonLungView(reference, entry);
      if (view) reference.views.push(view);
    }
  }
  return reference;
}

/** One `gate.nonLung` entry ({ kind, weights, bias, threshold? }); null when malformed or of an unknown kind. */
function parseNonLungView(ref: GateReference, entry: unknown): NonLungView | null {
  if (!entry || typeof entry !== 'object') return null;
  const { kind, weights, bias, threshold } = entry as Record<string, unknown>;
  if (typeof kind !== 'string' || !Object.hasOwn(NON_LUNG_VIEWS, kind)) return null;
  const w = numbers(weights, ref.featureCount);
  if (!w || typeof bias !== 'number' || !Number.isFinite(bias)) return null;
  return {
    kind: kind as NonLungKind,
    reason: NON_LUNG_VIEWS[kind as NonLungKind],
    weights: w,
    bias,
    ...(typeof threshold === 'number' && Number.isFinite(threshold) ? { threshold } : {}),
  };
}

/** The discriminant's logit: above 0 the frame's features are more like the view than like lung. */
export function viewScore(view: NonLungView, pooled: ArrayLike<number>, offset = 0): number {
  let s = view.bias;
  for (let j = 0; j < view.weights.length; j++) s += view.weights[j]! * pooled[offset + j]!;
  return s;
}

/**
 * Low-rank Mahalanobis distance of one pooled-feature vector, divided by the feature count so that
 * frames like the training data score about 1: squared projections on the principal directions over
 * their variances, plus what is left over the residual variance.
 */
export function featureScore(ref: GateReference, pooled: ArrayLike<number>, offset = 0): number {
  const d = ref.featureCount;
  const z = new Float64Array(d);
  let total = 0;
  for (let j = 0; j < d; j++) {
    z[j] = pooled[offset + j]! - ref.mean[j]!;
    total += z[j]! * z[j]!;
  }
  let explained = 0;
  let score = 0;
  ref.components.forEach((u, i) => {
    let p = 0;
    for (let j = 0; j < d; j++) p += u[j]! * z[j]!;
    explained += p * p;
    score += (p * p) / Math.max(1e-12, ref.componentVariances[i]!);
  });
  score += Math.max(0, total - explained) / ref.residualVariance;
  return score / d;
}

/** Combines the image checks and the feature score into the verdict every result carries. */
export function gateVerdict(
  imageReason: GateReasonCode | null,
  evidence: ImageEvidence | undefined,
  feature: { score: number; threshold: number } | null,
  views: ReadonlyArray<{ kind: NonLungKind; score: number; threshold?: number }> = [],
): GateVerdict {
  const modelChecked = feature !== null || views.some((v) => v.threshold !== undefined);
  const scores = {
    ...(feature ? { featureScore: feature.score, featureThreshold: feature.threshold } : {}),
    ...(views.length ? { viewScores: Object.fromEntries(views.map((v) => [v.kind, v.score])) } : {}),
  };
  const withEvidence = evidence ? { evidence } : {};
  if (imageReason) {
    return {
      pass: false,
      reason: imageReason,
      message: GATE_MESSAGES[imageReason],
      modelChecked,
      ...scores,
      ...withEvidence,
    };
  }
  // A recognised non-lung view first: "a heart view" tells the reader more than "unfamiliar".
  const view = views.find((v) => v.threshold !== undefined && !(v.score <= v.threshold));
  if (view) {
    const reason = NON_LUNG_VIEWS[view.kind];
    return { pass: false, reason, message: GATE_MESSAGES[reason], modelChecked, ...scores, ...withEvidence };
  }
  if (feature && !(feature.score <= feature.threshold)) {
    return {
      pass: false,
      reason: 'unfamiliar',
      message: GATE_MESSAGES.unfamiliar,
      modelChecked,
      ...scores,
      ...withEvidence,
    };
  }
  return {
    pass: true,
    message: modelChecked
      ? 'Looks like a lung-ultrasound frame (image checks and model check passed).'
      : 'Looks like an ultrasound frame (image checks only: this model has no calibrated gate statistics).',
    modelChecked,
    ...scores,
    ...withEvidence,
  };
}

/** A refusal for a frame in which no ultrasound region was found at all (ROI detection's own reasons). */
export function regionRefusal(reason: 'uniform' | 'no-ultrasound'): GateVerdict {
  return { pass: false, reason, message: GATE_MESSAGES[reason], modelChecked: false };
}
