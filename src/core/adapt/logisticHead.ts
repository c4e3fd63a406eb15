// The site head: a multinomial logistic regression on the model's pooled features, fitted close to the shipped head.

/** A linear classifier head: logits = features · kernel + bias; kernel is [features][signs], row-major. */
export interface ClassifierHead {
  /** Number of pooled features (2048 for ResNet152). */
  features: number;
  /** Number of signs (columns), in the model's output order. */
  classes: number;
  kernel: Float32Array;
  bias: Float32Array;
}

export interface HeadFitOptions {
  /**
   * Pull towards the shipped head: the penalty is strength/2 · ‖W − W₀‖² (bias included). Large values keep
   * the shipped head; small ones trust the site's cases. Chosen by `npm run bench:adapt`, not per fit.
   */
  strength: number;
  /** Columns (signs) that stay exactly as shipped, e.g. a sign with too few cases to learn from. */
  frozen?: readonly number[];
  /** Gradient steps at most (Nesterov-accelerated, full batch). */
  maxSteps?: number;
  /** Stop when the largest gradient entry falls below this. */
  tolerance?: number;
}

export interface HeadFit {
  head: ClassifierHead;
  steps: number;
  /** Mean cross-entropy on the cases fitted, before the penalty: how well the head reads them. */
  loss: number;
}

/** Softmax probabilities of one feature row under a head, written into `out` (length classes). */
export function headProbabilities(
  head: ClassifierHead,
  row: Float32Array,
  out = new Float64Array(head.classes),
): Float64Array {
  const { features: d, classes: k, kernel, bias } = head;
  for (let c = 0; c < k; c++) out[c] = bias[c]!;
  for (let j = 0; j < d; j++) {
    const x = row[j]!;
    if (x === 0) continue; // pooled ReLU features are often exactly zero
    const base = j * k;
    for (let c = 0; c < k; c++) out[c]! += x * kernel[base + c]!;
  }
  softmaxInPlace(out);
  return out;
}

function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    const e = Math.exp(z[c]! - max);
    z[c] = e;
    sum += e;
  }
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
}

/**
 * Fits the head to labelled feature rows by minimising mean cross-entropy + strength/2 · ‖θ − θ₀‖², starting at
 * and pulled towards the shipped head θ₀. The problem is strongly convex, so the answer does not depend on
 * the start or the order of the cases; a fixed step from a Lipschitz bound needs no line search.
 */
export function fitHead(
  rows: readonly Float32Array[],
  labels: readonly number[],
  shipped: ClassifierHead,
  options: HeadFitOptions,
): HeadFit {
  const { features: d, classes: k } = shipped;
  const n = rows.length;
  if (n !== labels.length) throw new Error(`${n} feature rows but ${labels.length} labels`);
  if (n === 0) throw new Error('No labelled cases to fit the head on');
  for (const row of rows)
    if (row.length !== d) throw new Error(`A feature row has ${row.length} values; the head expects ${d}`);
  for (const y of labels)
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new Error(`Label ${y} is not one of the ${k} signs`);
  const strength = options.strength;
  if (!(strength > 0)) throw new Error('The pull towards the shipped head must be positive');
  const maxSteps = options.maxSteps ?? 400;
  const tolerance = options.tolerance ?? 1e-5;
  const learn = new Uint8Array(k).fill(1);
  for (const c of options.frozen ?? []) learn[c] = 0;

  // Lipschitz bound of the mean cross-entropy's gradient: ½ · mean ‖(x, 1)‖² (softmax Hessian ≤ ½ I).
  let sq = 0;
  for (const row of rows) {
    let s = 1;
    for (let j = 0; j < d; j++) s += row[j]! * row[j]!;
    sq += s;
  }
  const step = 1 / (0.5 * (sq / n) + strength);

  const size = d * k + k; // kernel then bias
  const theta0 = new Float64Array(size);
  theta0.set(shipped.kernel, 0);
  theta0.set(shipped.bias, d * k);
  let theta = Float64Array.from(theta0);
  let previous = Float64Array.from(theta0);
  const look = new Float64Array(size);
  const grad = new Float64Array(size);
  const p = new Float64Array(k);
  let steps = 0;

  const gradientAt = (point: Float64Array): number => {
    grad.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      for (let c = 0; c < k; c++) p[c] = point[d * k + c]!;
      for (let j = 0; j < d; j++) {
        const x = row[j]!;
        if (x === 0) continue;
        for (let c = 0; c < k; c++) p[c]! += x * point[j * k + c]!;
      }
      softmaxInPlace(p);
      const y = labels[i]!;
      total -= Math.log(Math.max(p[y]!, 1e-12));
      p[y]! -= 1;
      for (let j = 0; j < d; j++) {
        const x = row[j]!;
        if (x === 0) continue;
        for (let c = 0; c < k; c++) grad[j * k + c]! += x * p[c]!;
      }
      for (let c = 0; c < k; c++) grad[d * k + c]! += p[c]!;
    }
    for (let t = 0; t < size; t++) {
      const c = t < d * k ? t % k : t - d * k;
      grad[t] = learn[c] ? grad[t]! / n + strength * (point[t]! - theta0[t]!) : 0;
    }
    return total / n;
  };

  for (let s = 1; s <= maxSteps; s++) {
    const momentum = (s - 1) / (s + 2);
    for (let t = 0; t < size; t++) look[t] = theta[t]! + momentum * (theta[t]! - previous[t]!);
    gradientAt(look);
    let largest = 0;
    for (let t = 0; t < size; t++) largest = Math.max(largest, Math.abs(grad[t]!));
    previous = theta;
    theta = new Float64Array(size);
    for (let t = 0; t < size; t++) theta[t] = look[t]! - step * grad[t]!;
    steps = s;
    if (largest < tolerance) break;
  }
  const loss = gradientAt(theta);
  return {
    head: {
      features: d,
      classes: k,
      kernel: Float32Array.from(theta.subarray(0, d * k)),
      bias: Float32Array.from(theta.subarray(d * k)),
    },
    steps,
    loss,
  };
}
