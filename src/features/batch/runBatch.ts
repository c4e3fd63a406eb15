// The batch pipeline in the browser: read files, score them in the worker in chunks, stream rows, store progress, cancel.

import type { BackendName, BatchRow } from '../../core';
import { clipKindOfName, scoreBatchClip } from './batchClip';
import type { FrameOutcome, InferenceClient } from '../../inference';
import {
  frameFileKey,
  labelFromFolders,
  readProblem,
  skipReason,
  splitFolderPath,
  type ChosenFolder,
  type FolderFile,
} from '../../sources';

/**
 * Frames per classify call: the engine's batch size on each backend (src/inference/engine.ts), so every
 * call fills whole model batches. Two calls are in flight, so at most 2 × 8 frames exist decoded at once.
 */
const ENGINE_BATCH: Record<BackendName, number> = { webgpu: 8, webgl: 8, wasm: 4, cpu: 2 };
const CHUNKS_IN_FLIGHT = 2;
/** A clip file is read whole into memory (a DICOM file) or into a video element: bounded on a tablet. */
export const MAX_CLIP_FILE_BYTES = 512 * 1024 * 1024;

export function chunkSizeFor(backend: BackendName): number {
  return ENGINE_BATCH[backend];
}

export interface BatchProgress {
  /** Frames finished (scored, refused or unreadable; earlier sessions' included) and frames to finish in all. */
  done: number;
  total: number;
  framesPerSecond: number;
  /** Seconds left at the current rate; null until there is a rate. */
  etaSeconds: number | null;
}

export interface BatchPlan {
  /** Files not opened (not images, hidden, too large) and parts of the folder that could not be listed. */
  skipped: BatchRow[];
  /** Images and clips to score in this run (already-scored files removed). */
  todo: FolderFile[];
  /** Images that an earlier, interrupted run already scored (same path, size and modification time). */
  alreadyDone: number;
}

function labelOf(folderName: string, path: string): Pick<BatchRow, 'label' | 'labelWarning'> {
  const l = labelFromFolders([folderName, ...splitFolderPath(path).folders]);
  return l.warning ? { label: l.label, labelWarning: l.warning } : { label: l.label };
}

/** Sorts the folder's files into skipped, to score, and already scored (resume). */
export function planBatch(folder: ChosenFolder, doneKeys: ReadonlySet<string>): BatchPlan {
  const skipped: BatchRow[] = folder.problems.map((p) => ({
    path: p.path,
    size: 0,
    lastModified: 0,
    label: null,
    status: 'skipped',
    reason: p.reason,
    ms: 0,
  }));
  const todo: FolderFile[] = [];
  let alreadyDone = 0;
  for (const f of folder.files) {
    const fileName = splitFolderPath(f.path).fileName;
    // A video or DICOM file is not an image by name, but it is scored: as one clip (see batchClip.ts).
    const why =
      clipKindOfName(fileName) && !fileName.startsWith('.')
        ? f.size > MAX_CLIP_FILE_BYTES
          ? `Too large a clip (${Math.round(f.size / 1024 / 1024)} MB; the limit is ${MAX_CLIP_FILE_BYTES / 1024 / 1024} MB): export a shorter clip.`
          : null
        : skipReason(fileName, f.size);
    if (why) {
      skipped.push({
        path: f.path,
        size: f.size,
        lastModified: f.lastModified,
        ...labelOf(folder.name, f.path),
        status: 'skipped',
        reason: why,
        ms: 0,
      });
    } else if (doneKeys.has(frameFileKey(f.path, f.size, f.lastModified))) {
      alreadyDone++;
    } else {
      todo.push(f);
    }
  }
  return { skipped, todo, alreadyDone };
}

export interface RunBatchOptions {
  client: Pick<InferenceClient, 'classify'>;
  folderName: string;
  todo: readonly FolderFile[];
  /** Frames an interrupted run already finished: progress counts them, so it agrees with the summary. */
  alreadyDone?: number;
  chunkSize: number;
  /** The model's low-confidence threshold: a clip's read-out is made here, not in the worker. */
  threshold: number;
  signal: AbortSignal;
  /** Called once per chunk with its finished rows, in order of completion; awaited (progress is stored there). */
  onRows: (rows: BatchRow[]) => Promise<void> | void;
  onProgress: (progress: BatchProgress) => void;
}

/**
 * Scores `todo` and resolves 'finished' or 'cancelled'. Reading a chunk's files overlaps the worker
 * scoring the previous chunk; only CHUNKS_IN_FLIGHT chunks exist at a time, so memory stays bounded
 * whatever the folder's size. Cancelled frames produce no rows: a resumed run scores them.
 */
export async function runBatch(options: RunBatchOptions): Promise<'finished' | 'cancelled'> {
  const { client, folderName, todo, chunkSize, threshold, signal, onRows, onProgress } = options;
  const earlier = options.alreadyDone ?? 0;
  const started = performance.now();
  let done = 0;
  const report = () => {
    const seconds = (performance.now() - started) / 1000;
    // The rate is this session's: frames scored before a reload took no time now.
    const rate = seconds > 0 ? done / seconds : 0;
    onProgress({
      done: earlier + done,
      total: earlier + todo.length,
      framesPerSecond: rate,
      etaSeconds: rate > 0 ? (todo.length - done) / rate : null,
    });
  };
  report();

  const scoreChunk = async (files: readonly FolderFile[]): Promise<void> => {
    const t0 = performance.now();
    const reads = await Promise.all(
      files.map(async (f) => {
        try {
          return { f, blob: await f.read(), readMs: performance.now() - t0 };
        } catch (error) {
          return { f, problem: readProblem(error, f.path), readMs: performance.now() - t0 };
        }
      }),
    );
    if (signal.aborted) return;
    const readable = reads.filter((r) => r.blob);
    let outcomes: FrameOutcome[] = [];
    if (readable.length) {
      try {
        outcomes = await client.classify(
          readable.map((r) => ({ file: r.blob!, name: r.f.path })),
          signal,
        );
      } catch (error) {
        if ((error as { name?: string }).name === 'AbortError' || signal.aborted) return;
        outcomes = readable.map((r) => ({
          ok: false,
          name: r.f.path,
          code: 'inference-failed',
          message: `The model failed: ${(error as Error).message}`,
        }));
      }
    }
    const rows: BatchRow[] = [];
    let k = 0;
    for (const r of reads) {
      const base = {
        path: r.f.path,
        size: r.f.size,
        lastModified: r.f.lastModified,
        ...labelOf(folderName, r.f.path),
      };
      if (!r.blob) {
        rows.push({
          ...base,
          status: 'failed',
          code: r.problem!.code,
          reason: r.problem!.message,
          ms: r.readMs,
        });
        continue;
      }
      const o = outcomes[k++]!;
      if (o.ok) {
        const x = o.result;
        rows.push({
          ...base,
          status: 'scored',
          ms: r.readMs + x.totalMs,
          score: {
            probabilities: x.probabilities,
            top: x.top,
            lowConfidence: x.lowConfidence,
            backend: x.backend,
            modelId: x.modelId,
            modelVersion: x.modelVersion,
            crop: x.crop,
            frameWidth: x.frameWidth,
            frameHeight: x.frameHeight,
            ...(x.gate
              ? { gate: { pass: x.gate.pass, reason: x.gate.reason, message: x.gate.message } }
              : {}),
            // The map from this same run: viewing the row later draws it without running the model again.
            ...(x.heatMap ? { heatMap: x.heatMap } : {}),
            ...(x.heatMapNote ? { heatMapNote: x.heatMapNote } : {}),
          },
        });
      } else if (o.code !== 'cancelled') {
        rows.push({ ...base, status: 'failed', code: o.code, reason: o.message, ms: r.readMs });
      }
    }
    if (!rows.length) return;
    await onRows(rows);
    done += rows.length;
    report();
  };

  /** A clip is a chunk of its own: its sampled frames fill the worker's batches (readClipFrames). */
  const scoreClip = async (f: FolderFile): Promise<void> => {
    const kind = clipKindOfName(splitFolderPath(f.path).fileName)!;
    const base = { path: f.path, size: f.size, lastModified: f.lastModified, ...labelOf(folderName, f.path) };
    const row = await scoreBatchClip(base, f, kind, client, threshold, signal);
    if (!row) return;
    await onRows([row]);
    done++;
    report();
  };

  const stills = todo.filter((f) => !clipKindOfName(splitFolderPath(f.path).fileName));
  const chunks: Array<() => Promise<void>> = [];
  for (let start = 0; start < stills.length; start += chunkSize) {
    const files = stills.slice(start, start + chunkSize);
    chunks.push(() => scoreChunk(files));
  }
  for (const f of todo) if (clipKindOfName(splitFolderPath(f.path).fileName)) chunks.push(() => scoreClip(f));

  const inFlight = new Set<Promise<void>>();
  for (const chunk of chunks) {
    if (signal.aborted) break;
    const p = chunk().finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= CHUNKS_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  report();
  return signal.aborted ? 'cancelled' : 'finished';
}
