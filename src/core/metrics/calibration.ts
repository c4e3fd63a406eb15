// Calibration of the top sign's probability: reliability-diagram bins and expected calibration error (ECE).

import type { ScoredPair } from './labelled';

export interface CalibrationBin {
  /** Bin edges on the top-sign probability, [low, high) except the last, which includes 1. */
  low: number;
  high: number;
  count: number;
  /** Mean top-sign probability in the bin; null when empty. */
  confidence: number | null;
  /** Fraction of the bin where the top sign matched the clinician; null when empty. */
  accuracy: number | null;
}

export interface Calibration {
  bins: CalibrationBin[];
  /** Σ (n_b / N) · |accuracy_b − confidence_b|; null with no cases. */
  ece: number | null;
}

export function calibration(
  pairs: readonly Pick<ScoredPair, 'truth' | 'predicted' | 'probabilities'>[],
  binCount = 10,
): Calibration {
  const sums = Array.from({ length: binCount }, () => ({ count: 0, conf: 0, correct: 0 }));
  for (const p of pairs) {
    const conf = p.probabilities[p.predicted];
    const b = Math.min(binCount - 1, Math.max(0, Math.floor(conf * binCount)));
    sums[b]!.count++;
    sums[b]!.conf += conf;
    if (p.truth === p.predicted) sums[b]!.correct++;
  }
  const n = pairs.length;
  let ece = 0;
  const bins = sums.map((s, b): CalibrationBin => {
    const confidence = s.count ? s.conf / s.count : null;
    const accuracy = s.count ? s.correct / s.count : null;
    if (s.count) ece += (s.count / n) * Math.abs(accuracy! - confidence!);
    return { low: b / binCount, high: (b + 1) / binCount, count: s.count, confidence, accuracy };
  });
  return { bins, ece: n ? ece : null };
}
