// 95% confidence intervals: Wilson for proportions, a seeded percentile bootstrap for kappa, F1 and macro means.

import { CLASS_IDS } from '../frame';
import { seededRandom } from '../random';
import type { ConfusionMatrix, ScoredPair } from './labelled';
import { tableScores } from './scores';

export interface Interval {
  low: number;
  high: number;
}

const Z95 = 1.959963984540054;

/** Wilson score interval; unlike the normal approximation it stays inside [0, 1] and works at 0 or n. */
export function wilson(successes: number, trials: number, z = Z95): Interval | null {
  if (trials <= 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or n the bound is exactly 0 or 1; rounding would otherwise leave 0.9999999999999999.
  return {
    low: successes <= 0 ? 0 : Math.max(0, centre - half),
    high: successes >= trials ? 1 : Math.min(1, centre + half),
  };
}

export interface BootstrapOptions {
  samples?: number;
  seed?: number;
}

export const DEFAULT_BOOTSTRAP = { samples: 1000, seed: 20_201 } as const;

export interface BootstrapIntervals {
  kappa: Interval | null;
  f1: Array<Interval | null>;
  macroPrecision: Interval | null;
  macroRecall: Interval | null;
  macroSpecificity: Interval | null;
  macroF1: Interval | null;
}

function percentile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Resamples cases with replacement and reads the 2.5th and 97.5th percentiles. A statistic that is
 * undefined in more than half the resamples (a sign with one case) gets no interval rather than a
 * misleading one.
 */
function interval(values: number[], samples: number): Interval | null {
  if (values.length < samples / 2 || values.length < 2) return null;
  values.sort((a, b) => a - b);
  return { low: percentile(values, 0.025), high: percentile(values, 0.975) };
}

export function bootstrapIntervals(
  pairs: readonly Pick<ScoredPair, 'truth' | 'predicted'>[],
  options: BootstrapOptions = {},
): BootstrapIntervals {
  const samples = options.samples ?? DEFAULT_BOOTSTRAP.samples;
  const rand = seededRandom(options.seed ?? DEFAULT_BOOTSTRAP.seed);
  const n = pairs.length;
  const empty: BootstrapIntervals = {
    kappa: null,
    f1: CLASS_IDS.map(() => null),
    macroPrecision: null,
    macroRecall: null,
    macroSpecificity: null,
    macroF1: null,
  };
  if (n < 2) return empty;
  const truth = pairs.map((p) => CLASS_IDS.indexOf(p.truth));
  const pred = pairs.map((p) => CLASS_IDS.indexOf(p.predicted));
  const kappa: number[] = [];
  const f1: number[][] = CLASS_IDS.map(() => []);
  const mp: number[] = [];
  const mr: number[] = [];
  const ms: number[] = [];
  const mf: number[] = [];
  const push = (into: number[], v: number | null) => {
    if (v !== null) into.push(v);
  };
  for (let s = 0; s < samples; s++) {
    const m: ConfusionMatrix = CLASS_IDS.map(() => CLASS_IDS.map(() => 0));
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * n);
      m[truth[j]!]![pred[j]!]!++;
    }
    const { perClass, total } = tableScores(m);
    push(kappa, total.kappa);
    perClass.forEach((c, k) => push(f1[k]!, c.f1));
    push(mp, total.precision);
    push(mr, total.recall);
    push(ms, total.specificity);
    push(mf, total.f1);
  }
  return {
    kappa: interval(kappa, samples),
    f1: f1.map((v) => interval(v, samples)),
    macroPrecision: interval(mp, samples),
    macroRecall: interval(mr, samples),
    macroSpecificity: interval(ms, samples),
    macroF1: interval(mf, samples),
  };
}
