// A batch's results as rows, the CSV the app and the command line both write, and the labelled predictions for metrics.
// Pure TypeScript (no DOM, no React): the app's batch screen and the command line both use it, so both write the same CSV.

import { CLASS_IDS, type ClassId } from '../frame';
import type { GateReasonCode, GateVerdict } from '../gate';
import {
  csvLine,
  metricsReport,
  type LabelledPrediction,
  type MetricsReport,
  type PredictionOutcome,
} from '../metrics';
import type { FrameResult } from '../readout';

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

/**
 * The one status vocabulary of the app's table, the CSV and the command line:
 * - scored: the model read the frame (its sign counts);
 * - refused: the frame was read but is not a lung-ultrasound frame the model was made for (the input gate,
 *   or no ultrasound region at all): no sign is given;
 * - unreadable: the file could not be opened or decoded (empty, damaged, not an image, vanished);
 * - skipped: not opened at all (not an image file, hidden, too large).
 */
export type BatchStatus = 'scored' | 'refused' | 'unreadable' | 'skipped';

export function batchStatus(row: Pick<BatchRow, 'status' | 'score' | 'code'>): BatchStatus {
  if (row.status === 'skipped') return 'skipped';
  if (row.status === 'scored') return isRefused(row) ? 'refused' : 'scored';
  return row.code && REGION_REFUSALS.has(row.code) ? 'refused' : 'unreadable';
}

/**
 * A row's reason shown beside its path: messages name the file they are about ("a/b.png is empty"), so the
 * leading path is dropped there rather than said twice.
 */
export function reasonBesidePath(path: string, reason: string | undefined): string {
  if (!reason) return '';
  if (!reason.startsWith(path)) return reason;
  const rest = reason.slice(path.length).replace(/^:\s*/, '').trimStart();
  return rest ? rest[0]!.toUpperCase() + rest.slice(1) : reason;
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
  /** Set when the file is a clip (video or DICOM): its score is the clip read-out (src/core/clip). */
  clip?: BatchClip;
  /**
   * Set on a row for one sampled frame of the clip at `path` (the command line's --frames): shown in the
   * CSV, never counted. A clip is one case, so its frames stay out of the counts and the metrics.
   */
  frameOf?: { index: number; timeMs: number };
}

/**
 * A clip row's frame counts and disagreement, from its clip read-out. A clip that could not be read at all
 * has no counts: only that it is a clip.
 */
export interface BatchClip {
  framesInClip?: number;
  framesSampled?: number;
  framesRead?: number;
  framesRefused?: number;
  framesUnreadable?: number;
  /** The clip read-out's disagreement message, or null when its frames agree. */
  disagreement: string | null;
}

/**
 * What a clip row needs of core/clip's read-out (structurally: this stage does not import a later one).
 * `ClipReadout` from core/clip is one.
 */
export interface ClipRowReadout {
  probabilities: BatchScore['probabilities'];
  top: BatchScore['top'];
  lowConfidence: boolean;
  sampling: { framesInClip: number; framesSampled: number };
  framesRead: number;
  framesRefused: number;
  framesUnreadable: number;
  gate: { pass: boolean; message: string };
  disagreement: { message: string } | null;
}

/** The refusal most of a clip's refused frames share, for the table's short reason (the first on a tie). */
export function clipRefusalReason(
  readings: ReadonlyArray<{ status: string; gate?: { reason?: GateReasonCode } }>,
): GateReasonCode | undefined {
  const counts = new Map<GateReasonCode, number>();
  for (const r of readings)
    if (r.status === 'refused' && r.gate?.reason)
      counts.set(r.gate.reason, (counts.get(r.gate.reason) ?? 0) + 1);
  let best: GateReasonCode | undefined;
  for (const [reason, n] of counts) if (best === undefined || n > counts.get(best)!) best = reason;
  return best;
}

/**
 * A clip's one row, the same in the app and on the command line: the clip read-out as its score (the mean
 * over the frames the gate passed; refused as a whole when fewer than half pass), its frame counts, and its
 * disagreement as the reason. Model, backend and crop are those of its first read frame.
 */
export function clipBatchRow(
  base: Pick<BatchRow, 'path' | 'size' | 'lastModified' | 'label' | 'labelWarning'>,
  readout: ClipRowReadout,
  first: Pick<BatchScore, 'backend' | 'modelId' | 'modelVersion' | 'crop' | 'frameWidth' | 'frameHeight'>,
  refusedReason: GateReasonCode | undefined,
  ms: number,
): BatchRow {
  return {
    ...base,
    ms,
    status: 'scored',
    score: {
      probabilities: readout.probabilities,
      top: readout.top,
      lowConfidence: readout.lowConfidence,
      backend: first.backend,
      modelId: first.modelId,
      modelVersion: first.modelVersion,
      crop: first.crop,
      frameWidth: first.frameWidth,
      frameHeight: first.frameHeight,
      gate: {
        pass: readout.gate.pass,
        message: readout.gate.message,
        ...(refusedReason ? { reason: refusedReason } : {}),
      },
    },
    clip: {
      framesInClip: readout.sampling.framesInClip,
      framesSampled: readout.sampling.framesSampled,
      framesRead: readout.framesRead,
      framesRefused: readout.framesRefused,
      framesUnreadable: readout.framesUnreadable,
      disagreement: readout.disagreement?.message ?? null,
    },
    ...(readout.disagreement ? { reason: readout.disagreement.message } : {}),
  };
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

export interface BatchCsvOptions {
  /**
   * Also write the probabilities the model would have given refused frames (unreliable: the frame is not
   * what the model was made for). Off unless asked for, as on the Classify screen.
   */
  refusedProbabilities?: boolean;
}

/** The model's answer for a CSV row: only scored rows have one, refused ones only on request. */
function answerShown(row: BatchRow, options: BatchCsvOptions): BatchScore | undefined {
  const status = batchStatus(row);
  return status === 'scored' || (status === 'refused' && options.refusedProbabilities)
    ? row.score
    : undefined;
}

/**
 * CSV columns, in order. Later features (the input gate's verdict, heat-map statistics) append entries
 * here, so the app and the command line gain them together and spreadsheets keep their first columns.
 */
export function batchCsvColumns(options: BatchCsvOptions = {}): ReadonlyArray<{
  header: string;
  value: (row: BatchRow) => string | number;
}> {
  return [
    { header: 'path', value: (r) => r.path },
    { header: 'status', value: batchStatus },
    // A refused frame has no predicted sign, whatever the options: its sign is not an answer.
    { header: 'predicted_sign', value: (r) => (batchStatus(r) === 'scored' ? r.score!.top : '') },
    ...CLASS_IDS.map((id) => ({
      header: `p_${id}`,
      value: (r: BatchRow) => answerShown(r, options)?.probabilities[id].toFixed(6) ?? '',
    })),
    {
      header: 'low_confidence',
      value: (r) => (batchStatus(r) === 'scored' ? (r.score!.lowConfidence ? 'yes' : 'no') : ''),
    },
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
    // The input gate: pass or refuse, and the refusal in words.
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
    // Clips: what a row is, the clip's frame counts, and for a --frames row which frame it is.
    { header: 'kind', value: (r) => (r.frameOf ? 'clip-frame' : r.clip ? 'clip' : 'frame') },
    { header: 'frames_in_clip', value: (r) => r.clip?.framesInClip ?? '' },
    { header: 'frames_sampled', value: (r) => r.clip?.framesSampled ?? '' },
    { header: 'frames_read', value: (r) => r.clip?.framesRead ?? '' },
    { header: 'frames_refused', value: (r) => r.clip?.framesRefused ?? '' },
    { header: 'frames_unreadable', value: (r) => r.clip?.framesUnreadable ?? '' },
    {
      header: 'disagree',
      value: (r) =>
        r.clip?.framesRead !== undefined && !r.frameOf ? (r.clip.disagreement ? 'yes' : 'no') : '',
    },
    { header: 'frame_index', value: (r) => r.frameOf?.index ?? '' },
    { header: 'frame_time_ms', value: (r) => (r.frameOf ? r.frameOf.timeMs.toFixed(1) : '') },
  ];
}

export function batchCsvHeader(options: BatchCsvOptions = {}): string {
  return csvLine(batchCsvColumns(options).map((c) => c.header));
}

export function batchCsvLine(row: BatchRow, options: BatchCsvOptions = {}): string {
  return csvLine(batchCsvColumns(options).map((c) => c.value(row)));
}

/**
 * The whole CSV, rows in path order so two runs of the same folder diff cleanly; the sort is stable, so a
 * clip's --frames rows stay under its own row in the order they were added.
 */
export function batchCsv(rows: readonly BatchRow[], options: BatchCsvOptions = {}): string {
  const sorted = [...rows].sort((a, b) => comparePaths(a.path, b.path));
  const columns = batchCsvColumns(options);
  const line = (r: BatchRow) => csvLine(columns.map((c) => c.value(r)));
  return [csvLine(columns.map((c) => c.header)), ...sorted.map(line)].join('\n') + '\n';
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
    if (!r.label || !r.score || r.frameOf) continue;
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
 * Counts for the summary line, in the status vocabulary (see batchStatus), and the labelled frames the
 * model read (refused ones left out, as in the metrics) with those it agreed on.
 */
export function batchCounts(rows: readonly BatchRow[]): Record<BatchStatus, number> & {
  labelled: number;
  agree: number;
} {
  const c = { scored: 0, refused: 0, unreadable: 0, skipped: 0, labelled: 0, agree: 0 };
  for (const r of rows) {
    // A clip's own frames are shown, not counted: the clip is one case.
    if (r.frameOf) continue;
    c[batchStatus(r)]++;
    const a = agreement(r);
    if (a !== null) {
      c.labelled++;
      if (a) c.agree++;
    }
  }
  return c;
}

/** "38 scored, 2 refused, 3 unreadable, 1 skipped": the summary the app and the command line print. */
export function batchCountsText(c: Record<BatchStatus, number>): string {
  return `${c.scored} scored, ${c.refused} refused, ${c.unreadable} unreadable, ${c.skipped} skipped`;
}
