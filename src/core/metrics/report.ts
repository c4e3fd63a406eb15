// Everything the dashboard shows for one model on one set of cases, computed in one pass from labelled predictions.

import { CLASS_IDS, type ClassId } from '../frame';
import { calibration, type Calibration } from './calibration';
import { bootstrapIntervals, wilson, type BootstrapOptions, type Interval } from './intervals';
import {
  confusionMatrix,
  scoredPairs,
  type ConfusionMatrix,
  type Coverage,
  type LabelledPrediction,
} from './labelled';
import { rocCurves, type RocCurve } from './roc';
import { tableScores, type ClassScores, type TotalScores } from './scores';

export interface ClassRow extends ClassScores {
  ci: {
    precision: Interval | null;
    recall: Interval | null;
    specificity: Interval | null;
    accuracy: Interval | null;
    f1: Interval | null;
  };
}

export interface TotalRow extends TotalScores {
  ci: {
    precision: Interval | null;
    recall: Interval | null;
    specificity: Interval | null;
    accuracy: Interval | null;
    f1: Interval | null;
    kappa: Interval | null;
  };
}

export interface MetricsReport {
  coverage: Coverage;
  /** [clinician label][model sign], CLASS_IDS order. */
  matrix: ConfusionMatrix;
  /** Case ids behind each matrix cell, same indices, so a cell can open its cases. */
  cellCases: string[][][];
  perClass: ClassRow[];
  total: TotalRow;
  roc: RocCurve[];
  calibration: Calibration;
  counts: { labelled: Record<ClassId, number>; predicted: Record<ClassId, number> };
}

export interface ReportOptions {
  bootstrap?: BootstrapOptions;
  calibrationBins?: number;
}

export function metricsReport(
  predictions: readonly LabelledPrediction[],
  options: ReportOptions = {},
): MetricsReport {
  const { pairs, coverage } = scoredPairs(predictions);
  const matrix = confusionMatrix(pairs);
  const cellCases = CLASS_IDS.map(() => CLASS_IDS.map((): string[] => []));
  for (const p of pairs)
    cellCases[CLASS_IDS.indexOf(p.truth)]![CLASS_IDS.indexOf(p.predicted)]!.push(p.caseId);
  const { perClass, total } = tableScores(matrix);
  // Resampling follows case order, so cases are put in id order first: the same cases give the same
  // intervals whichever order a source lists them in (newest first, file order, …).
  const byId = [...pairs].sort((x, y) => (x.caseId < y.caseId ? -1 : x.caseId > y.caseId ? 1 : 0));
  const boot = bootstrapIntervals(byId, options.bootstrap);
  const counts = {
    labelled: Object.fromEntries(CLASS_IDS.map((id, k) => [id, perClass[k]!.support])) as Record<
      ClassId,
      number
    >,
    predicted: Object.fromEntries(CLASS_IDS.map((id, k) => [id, perClass[k]!.predicted])) as Record<
      ClassId,
      number
    >,
  };
  return {
    coverage,
    matrix,
    cellCases,
    perClass: perClass.map((c, k) => ({
      ...c,
      ci: {
        precision: wilson(c.tp, c.tp + c.fp),
        recall: wilson(c.tp, c.tp + c.fn),
        specificity: wilson(c.tn, c.tn + c.fp),
        accuracy: wilson(c.tp + c.tn, total.n),
        f1: boot.f1[k] ?? null,
      },
    })),
    total: {
      ...total,
      ci: {
        precision: boot.macroPrecision,
        recall: boot.macroRecall,
        specificity: boot.macroSpecificity,
        accuracy: wilson(total.correct, total.n),
        f1: boot.macroF1,
        kappa: boot.kappa,
      },
    },
    roc: rocCurves(pairs),
    calibration: calibration(pairs, options.calibrationBins),
    counts,
  };
}
