// A clip in a batch folder: read as one clip (its sampled frames in the worker, core/clip's read-out) into core/batch's clip row, the one the command line writes.

import { clipBatchRow, clipRefusalReason, type BatchRow, type FrameResult } from '../../core';
import { clipReadout, type ClipFrameReading, type ClipReadout } from '../../core/clip';
import type { InferenceClient } from '../../inference';
import {
  InputProblem,
  clipKindOf,
  readClipFile,
  readProblem,
  type ClipKind,
  type FolderFile,
  type ReadClip,
} from '../../sources';
import { clipFramesToRead, clipReadBy, readClipFrames, type ClipCaseDraft } from '../shared';

type RowBase = Pick<BatchRow, 'path' | 'size' | 'lastModified' | 'label' | 'labelWarning'>;

/** A clip by its name alone (a batch plans 10,000 files without opening one); null for anything else. */
export function clipKindOfName(fileName: string): ClipKind | null {
  return clipKindOf(new Uint8Array(0), { name: fileName });
}

export interface ReadBatchClip {
  /** The clip file as read (a saved case keeps its hash). */
  file: Blob;
  decoded: ReadClip;
  readout: ClipReadout;
  results: Array<FrameResult | null>;
  readings: ClipFrameReading[];
}

/**
 * Opens a clip of the folder and reads its sampled frames. Null when cancelled; throws an InputProblem for
 * a clip that cannot be opened or of which no frame could be read.
 */
export async function readBatchClip(
  file: FolderFile,
  kind: ClipKind,
  client: Pick<InferenceClient, 'classify'>,
  threshold: number,
  signal?: AbortSignal,
): Promise<ReadBatchClip | null> {
  let blob: Blob;
  try {
    blob = await file.read();
  } catch (error) {
    throw readProblem(error, file.path);
  }
  const named = new File([blob], file.path, { type: blob.type });
  const decoded = await readClipFile(named, kind, { signal });
  if (signal?.aborted) return null;
  const { clip } = decoded;
  const read = await readClipFrames(client, clipFramesToRead(clip.frames, file.path, decoded.scanRegion), {
    signal,
  });
  if (read.incomplete?.code === 'cancelled' || signal?.aborted) return null;
  if (read.incomplete) throw new InputProblem('corrupt-image', `${file.path}: ${read.incomplete.message}`);
  if (!read.results.some((r) => r)) {
    const why = read.readings.find((r) => r.status === 'unreadable');
    throw new InputProblem(
      'corrupt-image',
      `${file.path}: none of the clip's ${clip.frames.length} sampled frames could be read${why?.status === 'unreadable' ? ` (${why.message})` : ''}.`,
    );
  }
  const readout = clipReadout(read.readings, clip.sampling, threshold);
  return { file: blob, decoded, readout, results: read.results, readings: read.readings };
}

/** Scores one clip of the folder into its row; a clip that cannot be read is a failed row that says why. */
export async function scoreBatchClip(
  base: RowBase,
  file: FolderFile,
  kind: ClipKind,
  client: Pick<InferenceClient, 'classify'>,
  threshold: number,
  signal: AbortSignal,
): Promise<BatchRow | null> {
  const t0 = performance.now();
  try {
    const read = await readBatchClip(file, kind, client, threshold, signal);
    if (!read) return null;
    const first = read.results.find((r): r is FrameResult => r !== null)!;
    return clipBatchRow(base, read.readout, first, clipRefusalReason(read.readings), performance.now() - t0);
  } catch (error) {
    if (signal.aborted) return null;
    const problem = error instanceof InputProblem ? error : readProblem(error, file.path);
    return {
      ...base,
      ms: performance.now() - t0,
      status: 'failed',
      code: problem.code,
      reason: problem.message,
      clip: { disagreement: null },
    };
  }
}

/** What "Save as cases" keeps of a batch clip: the same draft as the Classify screen's. */
export function batchClipDraft(source: string, read: ReadBatchClip): ClipCaseDraft | null {
  const by = clipReadBy(read.results);
  if (!by) return null;
  const { clip } = read.decoded;
  return {
    source,
    origin: read.decoded.kind,
    format: clip.source.format,
    frameRate: clip.frameRate,
    durationMs: clip.durationMs,
    sampling: clip.sampling,
    frames: clip.frames,
    scanRegion: read.decoded.scanRegion,
    technical: read.decoded.technical,
    sourceFile: read.file,
    readout: read.readout,
    results: read.results,
    by,
  };
}
