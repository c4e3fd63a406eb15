// The clip model: a moving sequence of frames with their times, where it came from, and which frames were sampled.

/** Where a clip came from, in words a reader recognises ("MP4 video", "DICOM multi-frame"). */
export interface ClipSource {
  kind: 'video' | 'dicom';
  /** File name shown in messages. */
  name: string;
  /** The container or DICOM kind, e.g. "WebM video", "DICOM (RLE lossless)". */
  format: string;
}

/** One frame of a clip: its place in the original clip and its time from the clip's start. */
export interface ClipFrame<P> {
  /** Index in the original clip (0-based), not in the sample. */
  index: number;
  /** Milliseconds from the clip's first frame. */
  timeMs: number;
  pixels: P;
}

/** How the frames that are read were chosen from the clip; the read-out states it. */
export interface ClipSampling {
  /** Frames in the whole clip (estimated from duration × frame rate for a video). */
  framesInClip: number;
  /** Frames chosen to be read. */
  framesSampled: number;
  /** True when every frame of the clip is read; false when evenly spaced frames stand for it. */
  everyFrame: boolean;
  /** The most frames one clip is read at. */
  limit: number;
}

export interface Clip<P> {
  source: ClipSource;
  /** Frames per second when known (header or container); null when the file does not say. */
  frameRate: number | null;
  /** From the first frame's start to the last frame's end, milliseconds. */
  durationMs: number;
  sampling: ClipSampling;
  /** The sampled frames, in time order. */
  frames: ClipFrame<P>[];
}

/**
 * The most frames a clip is read at. Every frame of a short clip (2 s at 30 frames/s) is read; a long clip
 * is read at this many evenly spaced frames, enough to follow breathing (a breath lasts 3–5 s) while one
 * read-out stays a few seconds on a tablet's CPU.
 */
export const MAX_CLIP_FRAMES = 64;

/**
 * Which frames of a clip of `framesInClip` frames to read: all of them when there are at most `limit`,
 * else `limit` evenly spaced ones, each the middle of its share of the clip (so the first and last
 * moments are represented, not just the clip's edges).
 */
export function sampleFrameIndices(framesInClip: number, limit = MAX_CLIP_FRAMES): number[] {
  const n = Math.max(0, Math.floor(framesInClip));
  const cap = Math.max(1, Math.floor(limit));
  if (n <= cap) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: cap }, (_, i) => Math.min(n - 1, Math.floor(((i + 0.5) * n) / cap)));
}

export function samplingFor(framesInClip: number, limit = MAX_CLIP_FRAMES): ClipSampling {
  const framesSampled = sampleFrameIndices(framesInClip, limit).length;
  return { framesInClip, framesSampled, everyFrame: framesSampled >= framesInClip, limit };
}

/** "all 30 frames" or "64 evenly spaced frames of 300": how the read-out states what it read. */
export function describeSampling(sampling: ClipSampling): string {
  if (sampling.everyFrame)
    return sampling.framesInClip === 1 ? 'the one frame' : `all ${sampling.framesInClip} frames`;
  return `${sampling.framesSampled} evenly spaced frames of ${sampling.framesInClip}`;
}

/** Frame rates outside this range are header mistakes, not clips: 1–240 frames/s covers every scanner. */
const PLAUSIBLE_FPS = { min: 0.5, max: 240 } as const;

export function plausibleFrameRate(fps: number | null | undefined): number | null {
  return fps !== null &&
    fps !== undefined &&
    Number.isFinite(fps) &&
    fps >= PLAUSIBLE_FPS.min &&
    fps <= PLAUSIBLE_FPS.max
    ? fps
    : null;
}

/**
 * Each frame's start time from what a header gives: a per-frame vector of intervals (DICOM Frame Time
 * Vector, whose first entry is 0), one interval for all frames (Frame Time), or a frame rate. With none of
 * them the frames are spaced at `fallbackFps` and the frame rate is reported unknown.
 */
export function frameTimesFrom(
  frameCount: number,
  timing: { frameTimeVectorMs?: readonly number[]; frameTimeMs?: number; frameRate?: number | null },
  fallbackFps = 30,
): { timesMs: number[]; frameRate: number | null; durationMs: number } {
  const n = Math.max(0, Math.floor(frameCount));
  const vector = timing.frameTimeVectorMs;
  if (vector && vector.length === n && n > 0 && vector.every((v) => Number.isFinite(v) && v >= 0)) {
    const timesMs: number[] = [];
    let t = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0) t += vector[i]!;
      timesMs.push(t);
    }
    const mean = n > 1 ? t / (n - 1) : 0;
    const frameRate = mean > 0 ? plausibleFrameRate(1000 / mean) : null;
    return { timesMs, frameRate, durationMs: t + (mean || (frameRate ? 1000 / frameRate : 0)) };
  }
  const fromTime =
    timing.frameTimeMs && timing.frameTimeMs > 0 ? plausibleFrameRate(1000 / timing.frameTimeMs) : null;
  const frameRate = fromTime ?? plausibleFrameRate(timing.frameRate);
  const step = 1000 / (frameRate ?? fallbackFps);
  return {
    timesMs: Array.from({ length: n }, (_, i) => i * step),
    frameRate,
    durationMs: n * step,
  };
}
