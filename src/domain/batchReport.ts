// A batch's results as rows, the CSV the app and the command line both write, and the labelled predictions for metrics.
// Pure TypeScript (no DOM, no React): the app's batch screen and the command line both use it, so both write the same CSV.

import { CLASS_IDS, type ClassId } from './classes';
import type { GateReasonCode, GateVerdict } from './gate';
import {
  csvLine,
  metricsReport,
  type LabelledPrediction,
  type MetricsReport,
  type PredictionOutcome,
} from './metrics';
import type { FrameResult } from './result';

/**
 * What the model said about one scored frame: the parts of a FrameResult a batch shows, exports and keeps
 * for resuming. The heat map is kept so viewing a row needs no second model run (cells of a few hundred
 * floats: a Float32Array clones into IndexedDB as is); it is never in the CSV. The gate verdict and heat map
 * are absent in rows stored before they existed.
 */
export type BatchScore = Pick<
  FrameResult,
  | 'probabilities'
  | 'top'
  | 'lowConfidence'
  | 'backend'
  | 'modelId'
  | 'modelVersion'
  | 'crop'
  | 'frameWidth'
  | 'frameHeight'
  | 'heatMap'
  | 'heatMapNote'
> & { gate?: Pick<GateVerdict, 'pass' | 'reason' | 'message'> };

/** Whether the input gate refused the frame: its probabilities are kept for review but count for nothing. */
export function isRefused(row: Pick<BatchRow, 'score'>): boolean {
  return row.score?.gate?.pass === false;
}

/** A refusal in two or three words, for a table cell; the full sentence is the gate's message. */
const SHORT_REFUSALS: Readonly<Record<string, string>> = {
  'colour-photo': 'colour photo',
  'colour-doppler': 'colour Doppler',
  'text-screenshot': 'text or form',
  noise: 'noise',
  'no-speckle': 'no ultrasound texture',
  uniform: 'blank frame',
  'no-ultrasound': 'no ultrasound image',
  'cardiac-view': 'heart view',
  'x-ray-view': 'X-ray',
  unfamiliar: 'unfamiliar image',
};

export function refusalShortName(gate: { reason?: GateReasonCode }): string {
  return (gate.reason && SHORT_REFUSALS[gate.reason]) || 'not a lung frame';
}

/** Input problems that mean "no ultrasound image here": the gate's refusals by another route. */
const REGION_REFUSALS = new Set(['uniform', 'no-ultrasound']);

/** pass, refuse, or '' (not checked: unreadable files, rows from before the gate). */
export function gateColumn(row: BatchRow): 'pass' | 'refuse' | '' {
  if (row.score?.gate) return row.score.gate.pass ? 'pass' : 'refuse';
  if (row.status === 'failed' && row.code && REGION_REFUSALS.has(row.code)) return 'refuse';
  return '';
}

/** What the model's outcome counts as in metrics: refused frames are reported in coverage, not scored. */
export function batchOutcome(score: BatchScore): PredictionOutcome {
  if (score.gate && !score.gate.pass) return { kind: 'refused', reason: score.gate.message };
  return { kind: 'scored', probabilities: score.probabilities, top: score.top };
}

/** One file of the folder: scored, failed (bad input, named), or skipped without opening (not an image). */
export interface BatchRow {
  /** Path inside the chosen folder, '/'-separated, without the folder's own name. */
  path: string;
  size: number;
  lastModified: number;
  label: ClassId | null;
  labelWarning?: string;
  status: 'scored' | 'failed' | 'skipped';
  score?: BatchScore;
  /** InputProblem code or 'vanished', 'unreadable', 'inference-failed' … for failed rows. */
  code?: string;
  /** Why a file was not scored, in words a user can act on. */
  reason?: string;
  /** Read + decode + preprocess + inference for this frame, milliseconds. */
  ms: number;
}

/**
 * Whether the model agreed with the folder's label; null when there is no label, no score, or the gate
 * refused the frame (the metrics count a refused frame in coverage, not as right or wrong; stored cases
 * do the same).
 */
export function agreement(row: BatchRow): boolean | null {
  if (!row.label || !row.score || isRefused(row)) return null;
  return row.score.top === row.label;
}

/**
 * CSV columns, in order. Later features (the input gate's verdict, heat-map statistics) append entries
 * here, so the app and the command line gain them together and spreadsheets keep their first columns.
 */
export const BATCH_CSV_COLUMNS: ReadonlyArray<{
  header: string;
  value: (row: BatchRow) => string | number;
}> = [
  { header: 'path', value: (r) => r.path },
  { header: 'status', value: (r) => r.status },
  { header: 'predicted_sign', value: (r) => r.score?.top ?? '' },
  ...CLASS_IDS.map((id) => ({
    header: `p_${id}`,
    value: (r: BatchRow) => (r.score ? r.score.probabilities[id].toFixed(6) : ''),
  })),
  { header: 'low_confidence', value: (r) => (r.score ? (r.score.lowConfidence ? 'yes' : 'no') : '') },
  { header: 'label', value: (r) => r.label ?? '' },
  {
    header: 'agree',
    value: (r) => {
      const a = agreement(r);
      return a === null ? '' : a ? 'yes' : 'no';
    },
  },
  { header: 'ms', value: (r) => (r.status === 'skipped' ? '' : r.ms.toFixed(1)) },
  { header: 'model_id', value: (r) => r.score?.modelId ?? '' },
  { header: 'model_version', value: (r) => r.score?.modelVersion ?? '' },
  { header: 'backend', value: (r) => r.score?.backend ?? '' },
  { header: 'size_bytes', value: (r) => r.size },
  { header: 'reason', value: (r) => r.reason ?? r.labelWarning ?? '' },
  // The input gate: a refused frame keeps its probabilities (unreliable) so a reviewer can still look.
  { header: 'gate', value: gateColumn },
  {
    header: 'gate_reason',
    value: (r) =>
      r.score?.gate && !r.score.gate.pass
        ? r.score.gate.message
        : gateColumn(r) === 'refuse'
          ? (r.reason ?? '')
          : '',
  },
];

export function batchCsvHeader(): string {
  return csvLine(BATCH_CSV_COLUMNS.map((c) => c.header));
}

export function batchCsvLine(row: BatchRow): string {
  return csvLine(BATCH_CSV_COLUMNS.map((c) => c.value(row)));
}

/** The whole CSV, rows in path order so two runs of the same folder diff cleanly. */
export function batchCsv(rows: readonly BatchRow[]): string {
  const sorted = [...rows].sort((a, b) => comparePaths(a.path, b.path));
  return [batchCsvHeader(), ...sorted.map(batchCsvLine)].join('\n') + '\n';
}

/** Code-unit order: the same on every machine and locale (the command line's shards rely on it too). */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Labelled, scored frames as the metrics read them (case id = path). Frames that could not be read
 * are not frames of a sign and stay out; they are counted in the batch summary instead.
 */
export function batchLabelledPredictions(rows: readonly BatchRow[]): LabelledPrediction[] {
  const out: LabelledPrediction[] = [];
  for (const r of rows) {
    if (!r.label || !r.score) continue;
    out.push({ caseId: r.path, truth: r.label, outcome: batchOutcome(r.score) });
  }
  return out;
}

/** Table 1 metrics of the labelled frames, or null when the folder carries no labels. */
export function batchMetrics(rows: readonly BatchRow[]): MetricsReport | null {
  const labelled = batchLabelledPredictions(rows);
  return labelled.length ? metricsReport(labelled) : null;
}

/**
 * Counts for the summary line: scored (refused ones included), refused by the input gate, failed, skipped,
 * and the labelled frames the model read (refused ones left out, as in the metrics) with those it agreed on.
 */
export function batchCounts(rows: readonly BatchRow[]): {
  scored: number;
  refused: number;
  failed: number;
  skipped: number;
  labelled: number;
  agree: number;
} {
  const c = { scored: 0, refused: 0, failed: 0, skipped: 0, labelled: 0, agree: 0 };
  for (const r of rows) {
    c[r.status]++;
    if (isRefused(r)) c.refused++;
    const a = agreement(r);
    if (a !== null) {
      c.labelled++;
      if (a) c.agree++;
    }
  }
  return c;
}
