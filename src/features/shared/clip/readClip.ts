// Reading a clip's frames in the worker, a few at a time: each frame's reading (read, refused by the gate, unreadable) for core/clip's read-out, and who read it.

import type { BackendName, FrameResult, Rect, RgbaImage } from '../../../core';
import type { ClipFrameReading } from '../../../core/clip';
import type { FrameInput, FrameOutcome, InferenceClient } from '../../../inference';

/** Frames sent to the worker per call: small enough to report progress, large enough to batch. */
export const CLIP_FRAMES_PER_CALL = 8;

/** One frame to read: what the worker gets, and where the frame sits in its clip. */
export interface ClipFrameToRead {
  input: FrameInput;
  index: number;
  timeMs: number;
}

export interface ClipFramesRead {
  readings: ClipFrameReading[];
  /** Each frame's full result, in the order given; null where the frame could not be read. */
  results: Array<FrameResult | null>;
  /** A frame that was cancelled or that the model failed on: the clip has no read-out (nothing is stored). */
  incomplete: Extract<FrameOutcome, { ok: false }> | null;
}

/** The model version and backend behind a clip's read-out: every result records them. */
export interface ClipReadBy {
  modelId: string;
  modelVersion: string;
  backend: BackendName;
  /** Model time summed over the clip's frames. */
  inferenceMs: number;
}

/**
 * A clip's frames as the worker takes them, named "<clip> at 1.20 s" in its messages. Each frame's pixels are a
 * copy: the worker takes ownership of what it is sent, and the clip keeps its own for display and saving.
 * `crop`: the scan region to read (the same for every frame of a clip), or `'whole'` when the frames are the
 * region already; omitted, the worker finds it in each frame.
 */
export function clipFramesToRead(
  frames: ReadonlyArray<{ index: number; timeMs: number; pixels: RgbaImage }>,
  clipName: string,
  crop?: Rect | 'whole' | null,
): ClipFrameToRead[] {
  return frames.map((f) => ({
    index: f.index,
    timeMs: f.timeMs,
    input: {
      pixels: { width: f.pixels.width, height: f.pixels.height, data: new Uint8ClampedArray(f.pixels.data) },
      name: `${clipName} at ${(f.timeMs / 1000).toFixed(2)} s`,
      ...(crop === 'whole'
        ? { crop: { x: 0, y: 0, width: f.pixels.width, height: f.pixels.height } }
        : crop
          ? { crop }
          : {}),
    },
  }));
}

/** One frame's outcome as core/clip counts it: read, refused by the input gate, or unreadable. */
export function clipFrameReading(
  frame: { index: number; timeMs: number },
  outcome: FrameOutcome,
): ClipFrameReading {
  if (!outcome.ok)
    return { status: 'unreadable', index: frame.index, timeMs: frame.timeMs, message: outcome.message };
  const refusedByGate = outcome.result.gate !== undefined && !outcome.result.gate.pass;
  return {
    status: refusedByGate ? 'refused' : 'read',
    index: frame.index,
    timeMs: frame.timeMs,
    probabilities: outcome.result.probabilities,
    gate: outcome.result.gate,
  };
}

/**
 * Reads the frames in calls of CLIP_FRAMES_PER_CALL, reporting progress between calls. A frame the worker
 * cancelled or failed on stops the reading (`incomplete`): a read-out over part of a clip would not say so.
 */
export async function readClipFrames(
  client: Pick<InferenceClient, 'classify'>,
  frames: readonly ClipFrameToRead[],
  options: { signal?: AbortSignal; onProgress?: (done: number, of: number) => void } = {},
): Promise<ClipFramesRead> {
  const results: Array<FrameResult | null> = frames.map(() => null);
  const readings: ClipFrameReading[] = [];
  for (let start = 0; start < frames.length; start += CLIP_FRAMES_PER_CALL) {
    options.onProgress?.(start, frames.length);
    const part = frames.slice(start, start + CLIP_FRAMES_PER_CALL);
    const outcomes = await client.classify(
      part.map((f) => f.input),
      options.signal,
    );
    for (const [k, o] of outcomes.entries()) {
      if (!o.ok && (o.code === 'cancelled' || o.code === 'inference-failed'))
        return { readings, results, incomplete: o };
      if (o.ok) results[start + k] = o.result;
      readings.push(clipFrameReading(part[k]!, o));
    }
  }
  options.onProgress?.(frames.length, frames.length);
  return { readings, results, incomplete: null };
}

/** Who read the clip: the model and backend of its read frames (the same for every frame of one run). */
export function clipReadBy(results: ReadonlyArray<FrameResult | null>): ClipReadBy | null {
  const read = results.filter((r): r is FrameResult => r !== null);
  const first = read[0];
  if (!first) return null;
  return {
    modelId: first.modelId,
    modelVersion: first.modelVersion,
    backend: first.backend,
    inferenceMs: read.reduce((ms, r) => ms + r.inferenceMs, 0),
  };
}

/** The frame that shows the clip's sign most clearly (a gate-passed frame when there is one): shown first, kept as the case's picture. */
export function clearestFrame(results: ReadonlyArray<FrameResult | null>, sign: FrameResult['top']): number {
  let best = 0;
  results.forEach((r, i) => {
    const b = results[best];
    const passes = (x: FrameResult | null | undefined) => !!x && x.gate?.pass !== false;
    if (!r) return;
    if (
      !b ||
      (passes(r) && !passes(b)) ||
      (passes(r) === passes(b) && r.probabilities[sign] > b.probabilities[sign])
    )
      best = i;
  });
  return best;
}
