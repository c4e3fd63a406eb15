// Per-sign (one vs rest) and whole-table scores from a confusion matrix; undefined values are null, never NaN.

import { CLASS_IDS, type ClassId } from '../frame';
import type { ConfusionMatrix } from './labelled';

export interface ClassScores {
  classId: ClassId;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** Cases the clinician labelled with this sign. */
  support: number;
  /** Cases the model called this sign. */
  predicted: number;
  precision: number | null;
  recall: number | null;
  specificity: number | null;
  f1: number | null;
  accuracy: number | null;
}

export interface TotalScores {
  n: number;
  correct: number;
  /** Macro averages over the signs where the value is defined; `averagedOver` says how many. */
  precision: number | null;
  recall: number | null;
  specificity: number | null;
  f1: number | null;
  averagedOver: { precision: number; recall: number; specificity: number; f1: number };
  /** Which signs each macro mean averaged (CLASS_IDS order), so a table can say so. */
  averagedSigns: { precision: ClassId[]; recall: ClassId[]; specificity: ClassId[]; f1: ClassId[] };
  /** Overall accuracy: correct / all. */
  accuracy: number | null;
  /** Cohen's kappa for the whole table; null when chance agreement is total (one sign only) or no cases. */
  kappa: number | null;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

export function classScores(m: ConfusionMatrix, k: number): ClassScores {
  const n = m.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const tp = m[k]![k]!;
  const support = m[k]!.reduce((a, b) => a + b, 0);
  const predicted = m.reduce((s, row) => s + row[k]!, 0);
  const fn = support - tp;
  const fp = predicted - tp;
  const tn = n - tp - fn - fp;
  return {
    classId: CLASS_IDS[k]!,
    tp,
    fp,
    fn,
    tn,
    support,
    predicted,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    specificity: ratio(tn, tn + fp),
    // 2TP / (2TP + FP + FN): the harmonic mean of precision and recall, and 0 (not undefined) when the
    // sign occurs but is never found, so a model that misses a sign is not flattered by a "—". A sign that
    // never occurs has nothing to find: undefined, not a 0 with a "0.0–0.0" interval.
    f1: support > 0 ? ratio(2 * tp, 2 * tp + fp + fn) : null,
    accuracy: ratio(tp + tn, n),
  };
}

/** Mean of the defined values, and how many there were; null when none is defined. */
export function macroAverage(values: ReadonlyArray<number | null>): { value: number | null; count: number } {
  const defined = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return {
    value: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
    count: defined.length,
  };
}

export function cohensKappa(m: ConfusionMatrix): number | null {
  const n = m.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  if (n === 0) return null;
  let agree = 0;
  let chance = 0;
  for (let k = 0; k < m.length; k++) {
    agree += m[k]![k]!;
    const row = m[k]!.reduce((a, b) => a + b, 0);
    const col = m.reduce((s, r) => s + r[k]!, 0);
    chance += (row / n) * (col / n);
  }
  const po = agree / n;
  return chance >= 1 ? null : (po - chance) / (1 - chance);
}

export function tableScores(m: ConfusionMatrix): { perClass: ClassScores[]; total: TotalScores } {
  const perClass = CLASS_IDS.map((_, k) => classScores(m, k));
  const n = m.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const correct = m.reduce((s, row, k) => s + row[k]!, 0);
  const p = macroAverage(perClass.map((c) => c.precision));
  const r = macroAverage(perClass.map((c) => c.recall));
  const s = macroAverage(perClass.map((c) => c.specificity));
  const f = macroAverage(perClass.map((c) => c.f1));
  const signsWith = (key: 'precision' | 'recall' | 'specificity' | 'f1') =>
    perClass.filter((c) => c[key] !== null && Number.isFinite(c[key])).map((c) => c.classId);
  return {
    perClass,
    total: {
      n,
      correct,
      precision: p.value,
      recall: r.value,
      specificity: s.value,
      f1: f.value,
      averagedOver: { precision: p.count, recall: r.count, specificity: s.count, f1: f.count },
      averagedSigns: {
        precision: signsWith('precision'),
        recall: signsWith('recall'),
        specificity: signsWith('specificity'),
        f1: signsWith('f1'),
      },
      accuracy: ratio(correct, n),
      kappa: cohensKappa(m),
    },
  };
}
