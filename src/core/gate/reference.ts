// The input gate's feature reference: how far a frame's pooled features lie from the training distribution, and
// how near they lie to known non-lung views, with statistics and calibrated thresholds from the model's metadata (`gate`).

import type { GateReasonCode } from './reasons';

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
