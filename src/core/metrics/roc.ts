// One-vs-rest ROC curves from the model's probabilities, with the area under each (trapezoids, ties joined).

import { CLASS_IDS, type ClassId } from '../frame';
import type { ScoredPair } from './labelled';

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Probability at or above which the sign is called; Infinity for the (0, 0) corner. */
  threshold: number;
}

export interface RocCurve {
  classId: ClassId;
  positives: number;
  negatives: number;
  points: RocPoint[];
  /** Null when the sign has no positives or no negatives: the curve is undefined. */
  auc: number | null;
}

export function rocCurve(
  pairs: readonly Pick<ScoredPair, 'truth' | 'probabilities'>[],
  classId: ClassId,
): RocCurve {
  const scored = pairs.map((p) => ({ score: p.probabilities[classId], positive: p.truth === classId }));
  const positives = scored.filter((s) => s.positive).length;
  const negatives = scored.length - positives;
  if (positives === 0 || negatives === 0) return { classId, positives, negatives, points: [], auc: null };
  scored.sort((a, b) => b.score - a.score);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0;
  let fp = 0;
  // Equal scores move together (one diagonal step), otherwise the area would depend on input order.
  for (let i = 0; i < scored.length;) {
    const threshold = scored[i]!.score;
    while (i < scored.length && scored[i]!.score === threshold) {
      if (scored[i]!.positive) tp++;
      else fp++;
      i++;
    }
    points.push({ fpr: fp / negatives, tpr: tp / positives, threshold });
  }
  let auc = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    auc += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
  }
  return { classId, positives, negatives, points, auc };
}

export function rocCurves(pairs: readonly Pick<ScoredPair, 'truth' | 'probabilities'>[]): RocCurve[] {
  return CLASS_IDS.map((id) => rocCurve(pairs, id));
}
