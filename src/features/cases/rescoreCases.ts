// rescoreCases: runs the current model over stored cases in the inference worker, in batches, resumable and cancellable; a clip case's stored frames are read again into a clip read-out.

import { clipReadout } from '../../core/clip';
import type { FrameInput, FrameOutcome, InferenceClient } from '../../inference';
import {
  addPredictions,
  getCase,
  readRescoreJob,
  saveRescoreJob,
  type CaseRecord,
  type RescoreJob,
  type StoredPrediction,
} from '../../store';
import { clipReadBy, predictionFromClipReadout, predictionFromResult, readClipFrames } from '../shared';

/** Frames per worker call: big enough to amortise the call, small enough that Cancel answers quickly. */
export const DEFAULT_BATCH = 8;

/** ?rescoreBatch=N lets support tune the batch size on a slow device without a new build. */
export function rescoreBatchSize(): number {
  const n = Number(new URLSearchParams(location.search).get('rescoreBatch'));
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : DEFAULT_BATCH;
}

export interface RescoreProgress {
  job: RescoreJob;
  done: number;
  /** Cases per second in this session; null until the first batch is back. */
  rate: number | null;
  etaSeconds: number | null;
  running: boolean;
  error?: string;
}

/** The stored image is the crop itself, or the full frame with the crop scaled to its stored size. */
export function frameFor(record: CaseRecord): FrameInput {
  if (record.imageKind === 'cropped') {
    return {
      file: record.image,
      name: record.source,
      crop: { x: 0, y: 0, width: record.imageWidth, height: record.imageHeight },
    };
  }
  const sx = record.imageWidth / record.frameWidth;
  const sy = record.imageHeight / record.frameHeight;
  const c = record.crop;
  return {
    file: record.image,
    name: record.source,
    crop: { x: c.x * sx, y: c.y * sy, width: c.width * sx, height: c.height * sy },
  };
}

/**
 * A clip case's frames as the worker reads them: each stored frame is the clip's region already, so it is
 * read whole, as a cropped frame case is.
 */
export function clipFramesFor(record: CaseRecord) {
  const crop = { x: 0, y: 0, width: record.imageWidth, height: record.imageHeight };
  return (record.clip?.frames ?? []).map((f) => ({
    index: f.index,
    timeMs: f.timeMs,
    input: { file: f.image, name: `${record.source} at ${(f.timeMs / 1000).toFixed(2)} s`, crop },
  }));
}

/**
 * Reads a clip case again: its stored frames, the clip read-out over them (core/clip's rule), stored with
 * the frame counts like the first reading. Null when the run was cancelled or the model failed part way:
 * a read-out over part of a clip would not say so.
 */
export async function rescoreClipCase(
  record: CaseRecord,
  client: Pick<InferenceClient, 'classify'>,
  threshold: number,
  signal?: AbortSignal,
): Promise<{ prediction: StoredPrediction } | { incomplete: FrameOutcome }> {
  const read = await readClipFrames(client, clipFramesFor(record), { signal });
  if (read.incomplete) return { incomplete: read.incomplete };
  const by = clipReadBy(read.results);
  if (!by) {
    // Not one frame could be read: kept as refused, so coverage counts it.
    const first = read.readings[0];
    const detail = first?.status === 'unreadable' ? ` (${first.message})` : '';
    return {
      incomplete: {
        ok: false,
        name: record.source,
        code: 'corrupt-image',
        message: `None of the clip's stored frames could be read${detail}.`,
      },
    };
  }
  const readout = clipReadout(read.readings, record.clip!.sampling, threshold);
  return { prediction: predictionFromClipReadout(readout, by) };
}

function toPrediction(outcome: FrameOutcome, modelId: string, modelVersion: string): StoredPrediction | null {
  if (outcome.ok) return predictionFromResult(outcome.result);
  if (outcome.code === 'cancelled' || outcome.code === 'inference-failed') return null;
  // The frame was refused (input gate or unreadable image): kept so coverage can count it.
  return {
    status: 'refused',
    modelId,
    modelVersion,
    at: Date.now(),
    code: outcome.code,
    message: outcome.message,
  };
}

export function newRescoreJob(caseIds: readonly string[], modelId: string, modelVersion: string): RescoreJob {
  const now = Date.now();
  return {
    id: 'rescore',
    modelId,
    modelVersion,
    total: caseIds.length,
    remaining: [...caseIds],
    scored: 0,
    refused: 0,
    failed: 0,
    state: 'running',
    startedAt: now,
    updatedAt: now,
    workMs: 0,
  };
}

const isAbort = (e: unknown) => (e as { name?: string } | null)?.name === 'AbortError';

/**
 * Works through `job.remaining`, storing each batch's results and the job's progress before the next, so
 * a reload loses at most one batch. Returns the job as it stands when finished or cancelled.
 */
export async function rescoreCases(
  start: RescoreJob,
  client: Pick<InferenceClient, 'classify'>,
  options: {
    batchSize: number;
    signal: AbortSignal;
    onProgress: (p: RescoreProgress) => void;
    /** The model's low-confidence threshold: a clip's read-out is made here, not in the worker. */
    threshold: number;
  },
): Promise<RescoreJob> {
  let job: RescoreJob = { ...start, state: 'running', updatedAt: Date.now() };
  await saveRescoreJob(job);
  const t0 = performance.now();
  let doneHere = 0;
  const report = () => {
    const seconds = (performance.now() - t0) / 1000;
    const rate = doneHere > 0 && seconds > 0 ? doneHere / seconds : null;
    options.onProgress({
      job,
      done: job.total - job.remaining.length,
      rate,
      etaSeconds: rate ? job.remaining.length / rate : null,
      running: true,
    });
  };
  report();
  while (job.remaining.length && !options.signal.aborted) {
    const ids = job.remaining.slice(0, options.batchSize);
    const records = (await Promise.all(ids.map((id) => getCase(id)))).filter((r): r is CaseRecord => !!r);
    const tb = performance.now();
    const frames = records.filter((r) => !r.clip);
    let outcomes: FrameOutcome[] = [];
    // A clip case is its frames, read in the worker's batches; its one outcome is its clip read-out.
    const clipOutcomes = new Map<string, FrameOutcome | StoredPrediction>();
    try {
      if (frames.length) outcomes = await client.classify(frames.map(frameFor), options.signal);
      for (const r of records.filter((c) => c.clip)) {
        if (options.signal.aborted) break;
        const read = await rescoreClipCase(r, client, options.threshold, options.signal);
        clipOutcomes.set(r.id, 'prediction' in read ? read.prediction : read.incomplete);
      }
    } catch (error) {
      if (isAbort(error)) break;
      throw error;
    }
    const handled = new Set(ids.filter((id) => !records.some((r) => r.id === id))); // deleted meanwhile
    const entries: Array<{ caseId: string; prediction: StoredPrediction }> = [];
    let { scored, refused, failed } = job;
    records.forEach((r) => {
      const o = r.clip ? clipOutcomes.get(r.id) : outcomes[frames.indexOf(r)];
      if (!o || ('ok' in o && !o.ok && o.code === 'cancelled')) return; // stays in `remaining` for a resume
      handled.add(r.id);
      const p = 'ok' in o ? toPrediction(o, job.modelId, job.modelVersion) : o;
      if (!p) failed++;
      else {
        entries.push({ caseId: r.id, prediction: p });
        if (p.status === 'scored') scored++;
        else refused++;
      }
    });
    if (entries.length) await addPredictions(entries);
    doneHere += handled.size;
    job = {
      ...job,
      remaining: job.remaining.filter((id) => !handled.has(id)),
      scored,
      refused,
      failed,
      workMs: job.workMs + (performance.now() - tb),
      updatedAt: Date.now(),
    };
    await saveRescoreJob(job);
    report();
  }
  job = { ...job, state: job.remaining.length ? 'cancelled' : 'finished', updatedAt: Date.now() };
  await saveRescoreJob(job);
  return job;
}

// One run at a time for the whole app, so leaving the Cases screen does not stop it or start a second one.
let running: { controller: AbortController; progress: RescoreProgress | null } | null = null;
const listeners = new Set<(p: RescoreProgress | null) => void>();
let lastProgress: RescoreProgress | null = null;

function publish(p: RescoreProgress | null) {
  lastProgress = p;
  for (const l of listeners) l(p);
}

export function onRescoreProgress(listener: (p: RescoreProgress | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentRescoreProgress(): RescoreProgress | null {
  return lastProgress;
}

export function isRescoring(): boolean {
  return running !== null;
}

export async function startRescoring(
  job: RescoreJob,
  client: Pick<InferenceClient, 'classify'>,
  threshold: number,
): Promise<void> {
  if (running) return;
  const controller = new AbortController();
  running = { controller, progress: null };
  try {
    const final = await rescoreCases(job, client, {
      batchSize: rescoreBatchSize(),
      signal: controller.signal,
      onProgress: publish,
      threshold,
    });
    publish({
      job: final,
      done: final.total - final.remaining.length,
      rate: lastProgress?.rate ?? null,
      etaSeconds: null,
      running: false,
    });
  } catch (error) {
    const stored = (await readRescoreJob().catch(() => undefined)) ?? job;
    publish({
      job: { ...stored, state: 'cancelled' },
      done: stored.total - stored.remaining.length,
      rate: null,
      etaSeconds: null,
      running: false,
      error: `Re-scoring stopped: ${(error as Error).message}`,
    });
  } finally {
    running = null;
  }
}

export function cancelRescoring(): void {
  running?.controller.abort();
}
