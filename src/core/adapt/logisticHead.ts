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
   * Pull towards the shipped head: the penalty is strength/2 · ‖W − W₀‖² on the kernel (the bias is free, as
   * in common practice). Large values keep the shipped head; small ones trust the site's cases. Chosen by
   * `npm run bench:adapt`, not per fit.
   */
  strength: number;
  /** Columns (signs) that stay exactly as shipped, e.g. a sign with too few cases to learn from. */
  frozen?: readonly number[];
  /** Quasi-Newton (L-BFGS) iterations at most. */
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

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Fits the head to labelled feature rows: mean cross-entropy + strength/2 · ‖W − W₀‖², from and towards the
 * shipped head. The problem is strongly convex in W (and convex in the bias), so the answer does not depend on
 * the start or the order of the cases. Features are centred inside the fit (the bias absorbs the mean), which
 * makes the problem far better conditioned without changing its solution; L-BFGS with a backtracking line
 * search then converges in tens of iterations on 2,048 features.
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
  const maxSteps = options.maxSteps ?? 200;
  const tolerance = options.tolerance ?? 1e-6;
  const learn = new Uint8Array(k).fill(1);
  for (const c of options.frozen ?? []) learn[c] = 0;

  // Centred rows, sign-major parameters: θ = [W[c][j] for c, j] then b'[c], with b' = b + μ·W.
  const mu = new Float64Array(d);
  for (const row of rows) for (let j = 0; j < d; j++) mu[j]! += row[j]! / n;
  const X = rows.map((row) => Float64Array.from(row, (v, j) => v - mu[j]!));
  const size = k * d + k;
  const theta0 = new Float64Array(size);
  for (let c = 0; c < k; c++) {
    let shift = shipped.bias[c]!;
    for (let j = 0; j < d; j++) {
      theta0[c * d + j] = shipped.kernel[j * k + c]!;
      shift += mu[j]! * shipped.kernel[j * k + c]!;
    }
    theta0[k * d + c] = shift;
  }
  const z = new Float64Array(k);

  /** Objective and gradient at θ (gradient written into g; frozen signs get zero gradient). */
  const evaluate = (theta: Float64Array, g: Float64Array): { objective: number; loss: number } => {
    g.fill(0);
    let ce = 0;
    for (let i = 0; i < n; i++) {
      const x = X[i]!;
      for (let c = 0; c < k; c++) {
        let s = theta[k * d + c]!;
        const base = c * d;
        for (let j = 0; j < d; j++) s += x[j]! * theta[base + j]!;
        z[c] = s;
      }
      softmaxInPlace(z);
      const y = labels[i]!;
      ce -= Math.log(Math.max(z[y]!, 1e-300));
      z[y]! -= 1;
      for (let c = 0; c < k; c++) {
        const r = z[c]! / n;
        if (!learn[c] || r === 0) continue;
        const base = c * d;
        for (let j = 0; j < d; j++) g[base + j]! += r * x[j]!;
        g[k * d + c]! += r;
      }
    }
    let penalty = 0;
    for (let c = 0; c < k; c++) {
      if (!learn[c]) continue;
      for (let j = c * d; j < (c + 1) * d; j++) {
        const delta = theta[j]! - theta0[j]!;
        penalty += delta * delta;
        g[j]! += strength * delta;
      }
    }
    return { objective: ce / n + (strength / 2) * penalty, loss: ce / n };
  };

  // L-BFGS (memory 8) with Armijo backtracking.
  const memory = 8;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  let theta = Float64Array.from(theta0);
  let grad = new Float64Array(size);
  let current = evaluate(theta, grad);
  let steps = 0;
  const direction = new Float64Array(size);
  const alpha = new Float64Array(memory);
  for (let s = 0; s < maxSteps; s++) {
    let largest = 0;
    for (const v of grad) largest = Math.max(largest, Math.abs(v));
    if (largest < tolerance) break;
    // Two-loop recursion: direction = −H·grad.
    direction.set(grad);
    for (let m = S.length - 1; m >= 0; m--) {
      alpha[m] = dot(S[m]!, direction) / dot(Y[m]!, S[m]!);
      const y = Y[m]!;
      for (let t = 0; t < size; t++) direction[t]! -= alpha[m]! * y[t]!;
    }
    const last = S.length - 1;
    const gamma = last >= 0 ? dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!) : 1 / Math.max(largest, 1);
    for (let t = 0; t < size; t++) direction[t]! *= gamma;
    for (let m = 0; m < S.length; m++) {
      const beta = dot(Y[m]!, direction) / dot(Y[m]!, S[m]!);
      const sm = S[m]!;
      for (let t = 0; t < size; t++) direction[t]! += sm[t]! * (alpha[m]! - beta);
    }
    for (let t = 0; t < size; t++) direction[t] = -direction[t]!;
    let slope = dot(grad, direction);
    if (slope >= 0) {
      // Not a descent direction (curvature pairs went stale): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      for (let t = 0; t < size; t++) direction[t] = -grad[t]! / Math.max(largest, 1);
      slope = dot(grad, direction);
    }
    let step = 1;
    const next = new Float64Array(size);
    const nextGrad = new Float64Array(size);
    let trial = current;
    for (let tries = 0; tries < 40; tries++) {
      for (let t = 0; t < size; t++) next[t] = theta[t]! + step * direction[t]!;
      trial = evaluate(next, nextGrad);
      if (trial.objective <= current.objective + 1e-4 * step * slope) break;
      step /= 2;
    }
    steps = s + 1;
    const sVec = new Float64Array(size);
    const yVec = new Float64Array(size);
    for (let t = 0; t < size; t++) {
      sVec[t] = next[t]! - theta[t]!;
      yVec[t] = nextGrad[t]! - grad[t]!;
    }
    const improvement = current.objective - trial.objective;
    theta = next;
    grad = nextGrad;
    current = trial;
    if (dot(sVec, yVec) > 1e-12) {
      S.push(sVec);
      Y.push(yVec);
      if (S.length > memory) {
        S.shift();
        Y.shift();
      }
    }
    if (improvement >= 0 && improvement < 1e-12 * Math.max(1, Math.abs(current.objective))) break;
  }

  // Back to the head's own layout: kernel [features][signs], bias = b' − μ·W.
  const kernel = new Float32Array(d * k);
  const bias = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    if (!learn[c]) {
      for (let j = 0; j < d; j++) kernel[j * k + c] = shipped.kernel[j * k + c]!;
      bias[c] = shipped.bias[c]!;
      continue;
    }
    let shift = theta[k * d + c]!;
    for (let j = 0; j < d; j++) {
      kernel[j * k + c] = theta[c * d + j]!;
      shift -= mu[j]! * theta[c * d + j]!;
    }
    bias[c] = shift;
  }
  return { head: { features: d, classes: k, kernel, bias }, steps, loss: current.loss };
}
