// Fits the input gate's "lung or a known non-lung view?" discriminant: L2-regularised logistic regression on pooled features, folded into one weight vector and bias for the model metadata.

export interface ViewDiscriminant {
  weights: number[];
  bias: number;
}

export interface FitOptions {
  /** L2 penalty on the standardised weights; larger gives a smoother, wider-margin boundary. */
  lambda?: number;
  iterations?: number;
  learningRate?: number;
}

/**
 * Logistic regression of "view" (1) against "lung" (0), each class weighted equally whatever its count.
 * Features are standardised first (pooled ResNet features differ in scale by orders of magnitude), then
 * the standardisation is folded back so the app computes bias + weights · features on raw features.
 * Plain full-batch gradient descent from zero: deterministic, and a few hundred frames of 2048 features
 * take seconds.
 */
export function fitViewDiscriminant(
  lung: readonly ArrayLike<number>[],
  view: readonly ArrayLike<number>[],
  options: FitOptions = {},
): ViewDiscriminant {
  const { lambda = 0.1, iterations = 1500, learningRate = 0.1 } = options;
  if (!lung.length || !view.length) throw new Error('both lung and view frames are needed');
  const d = lung[0]!.length;
  const rows = [...lung, ...view];
  if (rows.some((r) => r.length !== d)) throw new Error('feature vectors differ in length');
  const n = rows.length;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] = mean[j]! + r[j]! / n;
  for (const r of rows) for (let j = 0; j < d; j++) std[j] = std[j]! + (r[j]! - mean[j]!) ** 2 / n;
  // A floor so a feature that never varies (a dead channel) gets no weight rather than an infinite one.
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) + 1e-3;
  const x = rows.map((r) => Float64Array.from({ length: d }, (_, j) => (r[j]! - mean[j]!) / std[j]!));
  const y = rows.map((_, i) => (i < lung.length ? 0 : 1));
  const sampleWeight = rows.map((_, i) => (i < lung.length ? 0.5 / lung.length : 0.5 / view.length));
  const w = new Float64Array(d);
  let b = 0;
  const grad = new Float64Array(d);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      let z = b;
      for (let j = 0; j < d; j++) z += w[j]! * xi[j]!;
      const e = (1 / (1 + Math.exp(-z)) - y[i]!) * sampleWeight[i]!;
      gb += e;
      for (let j = 0; j < d; j++) grad[j] = grad[j]! + e * xi[j]!;
    }
    for (let j = 0; j < d; j++) w[j] = w[j]! - learningRate * (grad[j]! + lambda * w[j]!);
    b -= learningRate * gb;
  }
  const weights = Array.from(w, (v, j) => v / std[j]!);
  const bias = b - weights.reduce((acc, v, j) => acc + v * mean[j]!, 0);
  return { weights: weights.map((v) => Number(v.toPrecision(6))), bias: Number(bias.toPrecision(8)) };
}

/** The discriminant's logit for one feature vector, as src/core/gate/reference.ts viewScore computes it. */
export function discriminantScore(model: ViewDiscriminant, features: ArrayLike<number>): number {
  let s = model.bias;
  for (let j = 0; j < model.weights.length; j++) s += model.weights[j]! * features[j]!;
  return s;
}
