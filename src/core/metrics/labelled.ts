// Labelled predictions (clinician label + one model's outcome) and the coverage line the dashboard shows.

import { CLASS_IDS, type CaseLabel, type ClassId } from '../frame';

/** What one model said about one case: scored, refused by the input gate, or not run yet. */
export type PredictionOutcome =
  | { kind: 'scored'; probabilities: Record<ClassId, number>; top: ClassId }
  | { kind: 'refused'; reason: string }
  | { kind: 'missing' };

/** One case as the metrics see it: the clinician's label and the model's outcome. Any source gives these. */
export interface LabelledPrediction {
  caseId: string;
  truth: CaseLabel;
  outcome: PredictionOutcome;
}

/** A case that counts in the matrix: a definite label and a scored prediction. */
export interface ScoredPair {
  caseId: string;
  truth: ClassId;
  predicted: ClassId;
  probabilities: Record<ClassId, number>;
}

export interface Coverage {
  total: number;
  scored: number;
  /** Labelled "unsure" by the clinician: no truth to compare with. */
  unsure: number;
  /** Saved without a label (a batch frame outside any sign-named folder). */
  unlabelled: number;
  /** The input gate refused the frame, so the model gave no sign. */
  refused: number;
  /** No result from this model yet (re-scoring has not reached it). */
  missing: number;
}

/** Splits cases into those that count and the reasons the others do not. Unsure wins over refused. */
export function scoredPairs(predictions: readonly LabelledPrediction[]): {
  pairs: ScoredPair[];
  coverage: Coverage;
} {
  const coverage: Coverage = {
    total: predictions.length,
    scored: 0,
    unsure: 0,
    unlabelled: 0,
    refused: 0,
    missing: 0,
  };
  const pairs: ScoredPair[] = [];
  for (const p of predictions) {
    if (p.truth === 'unsure') coverage.unsure++;
    else if (p.truth === 'unlabelled') coverage.unlabelled++;
    else if (p.outcome.kind === 'refused') coverage.refused++;
    else if (p.outcome.kind === 'missing') coverage.missing++;
    else {
      coverage.scored++;
      pairs.push({
        caseId: p.caseId,
        truth: p.truth,
        predicted: p.outcome.top,
        probabilities: p.outcome.probabilities,
      });
    }
  }
  return { pairs, coverage };
}

/**
 * "412 of 450 cases scored (30 unsure, 5 refused by the input gate, 3 not yet scored)". A batch counts
 * frames, not cases: `noun` says which.
 */
export function coverageText(c: Coverage, noun: 'cases' | 'frames' = 'cases'): string {
  const why: string[] = [];
  if (c.unsure) why.push(`${c.unsure} unsure`);
  if (c.unlabelled) why.push(`${c.unlabelled} unlabelled`);
  if (c.refused) why.push(`${c.refused} refused by the input gate`);
  if (c.missing) why.push(`${c.missing} not yet scored by this model`);
  const unit = c.total === 1 ? noun.slice(0, -1) : noun;
  return `${c.scored} of ${c.total} ${unit} scored${why.length ? ` (${why.join(', ')})` : ''}`;
}

/** Rows are the clinician's label, columns the model's sign, both in CLASS_IDS order. */
export type ConfusionMatrix = number[][];

export function confusionMatrix(pairs: readonly Pick<ScoredPair, 'truth' | 'predicted'>[]): ConfusionMatrix {
  const m = CLASS_IDS.map(() => CLASS_IDS.map(() => 0));
  for (const p of pairs) m[CLASS_IDS.indexOf(p.truth)]![CLASS_IDS.indexOf(p.predicted)]!++;
  return m;
}
