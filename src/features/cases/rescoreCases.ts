// rescoreCases: runs the current model over stored cases in the inference worker, in batches, resumable and cancellable.

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
import { predictionFromResult } from '../shared';

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
  options: { batchSize: number; signal: AbortSignal; onProgress: (p: RescoreProgress) => void },
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
    let outcomes: FrameOutcome[] = [];
    if (records.length) {
      try {
        outcomes = await client.classify(records.map(frameFor), options.signal);
      } catch (error) {
        if (isAbort(error)) break;
        throw error;
      }
    }
    const handled = new Set(ids.filter((id) => !records.some((r) => r.id === id))); // deleted meanwhile
    const entries: Array<{ caseId: string; prediction: StoredPrediction }> = [];
    let { scored, refused, failed } = job;
    records.forEach((r, i) => {
      const o = outcomes[i];
      if (!o || (!o.ok && o.code === 'cancelled')) return; // stays in `remaining` for a resume
      handled.add(r.id);
      const p = toPrediction(o, job.modelId, job.modelVersion);
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
): Promise<void> {
  if (running) return;
  const controller = new AbortController();
  running = { controller, progress: null };
  try {
    const final = await rescoreCases(job, client, {
      batchSize: rescoreBatchSize(),
      signal: controller.signal,
      onProgress: publish,
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
