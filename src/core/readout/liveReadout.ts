// Live read-out from a stream of per-frame results: smoothed probabilities, a steady sign, a confidence trend,
// and whether the scanner shows a live image at all (blank region, frozen image).

import { CLASS_IDS, type ClassId, type GreyImage, type Rect } from '../frame';

export interface LiveSample {
  /** Milliseconds on any monotonic clock. */
  at: number;
  probabilities: Record<ClassId, number>;
}

export interface SmoothedReadout {
  probabilities: Record<ClassId, number>;
  /** The sign shown: changes only when another sign leads clearly, so the read-out does not flicker. */
  top: ClassId;
  runnerUp: ClassId;
  /** Frames in the smoothing window. */
  samples: number;
}

export interface TrendPoint {
  at: number;
  /** Smoothed probability of the sign shown at that moment. */
  confidence: number;
  top: ClassId;
}

export interface LiveReadoutOptions {
  /** Results older than this no longer count towards the read-out. */
  windowMs?: number;
  /** How much history the confidence trend keeps. */
  trendMs?: number;
  /** A new sign must lead the shown one by this much (probability) before the read-out switches. */
  switchMargin?: number;
}

export class LiveReadout {
  private readonly windowMs: number;
  private readonly trendMs: number;
  private readonly switchMargin: number;
  private window: LiveSample[] = [];
  private trendPoints: TrendPoint[] = [];
  private shown: ClassId | null = null;

  constructor(options: LiveReadoutOptions = {}) {
    this.windowMs = options.windowMs ?? 2000;
    this.trendMs = options.trendMs ?? 30_000;
    this.switchMargin = options.switchMargin ?? 0.1;
  }

  add(sample: LiveSample): SmoothedReadout {
    this.window.push(sample);
    this.window = this.window.filter((s) => s.at > sample.at - this.windowMs);
    const smoothed = this.current()!;
    this.trendPoints.push({
      at: sample.at,
      confidence: smoothed.probabilities[smoothed.top],
      top: smoothed.top,
    });
    this.trendPoints = this.trendPoints.filter((p) => p.at > sample.at - this.trendMs);
    return smoothed;
  }

  /** Forgets everything: a new device, a new region, or the image went away. */
  clear(): void {
    this.window = [];
    this.trendPoints = [];
    this.shown = null;
  }

  /** The smoothed read-out, or null before the first result. */
  current(): SmoothedReadout | null {
    if (this.window.length === 0) return null;
    // Mean over the window: every frame counts alike, so one odd frame moves the read-out by 1/n only.
    const probabilities = Object.fromEntries(CLASS_IDS.map((id) => [id, 0])) as Record<ClassId, number>;
    for (const s of this.window) for (const id of CLASS_IDS) probabilities[id] += s.probabilities[id];
    for (const id of CLASS_IDS) probabilities[id] /= this.window.length;
    const ranked = [...CLASS_IDS].sort((a, b) => probabilities[b] - probabilities[a]);
    const leader = ranked[0]!;
    if (this.shown === null || probabilities[leader] - probabilities[this.shown] >= this.switchMargin)
      this.shown = leader;
    const top = this.shown;
    const runnerUp = ranked.find((id) => id !== top)!;
    return { probabilities, top, runnerUp, samples: this.window.length };
  }

  trend(): readonly TrendPoint[] {
    return this.trendPoints;
  }
}

/** Grey spread (standard deviation) inside the region below which it counts as blank: no image. */
export const BLANK_SPREAD = 3;
/** Mean change (grey levels) between frames half a second apart below which the image counts as still. */
export const STILL_CHANGE = 0.2;
/** The image must stay still this long before it is called frozen (a slow probe sweep is not). */
export const FROZEN_AFTER_MS = 1500;
/** Frames this far apart are compared: a scanner at 15–60 frames/s changes within that time. */
export const COMPARE_EVERY_MS = 500;

export type ImageActivity = 'starting' | 'live' | 'blank' | 'frozen';

function regionStats(
  frame: GreyImage,
  rect: Rect,
  previous: GreyImage | null,
): { spread: number; change: number } {
  const x0 = Math.max(0, Math.floor(rect.x));
  const y0 = Math.max(0, Math.floor(rect.y));
  const x1 = Math.min(frame.width, Math.ceil(rect.x + rect.width));
  const y1 = Math.min(frame.height, Math.ceil(rect.y + rect.height));
  let n = 0;
  let s = 0;
  let s2 = 0;
  let d = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * frame.width + x;
      const v = frame.data[i]!;
      s += v;
      s2 += v * v;
      if (previous) d += Math.abs(v - previous.data[i]!);
      n++;
    }
  }
  if (n === 0) return { spread: 0, change: 0 };
  const mean = s / n;
  return { spread: Math.sqrt(Math.max(0, s2 / n - mean * mean)), change: d / n };
}

/**
 * Watches the region on small frames: blank when it holds no image, frozen when it stops changing for a
 * while (the scanner's own freeze), live otherwise.
 */
export class ActivityMonitor {
  private reference: { at: number; frame: GreyImage } | null = null;
  private stillSince: number | null = null;
  private state: ImageActivity = 'starting';

  /** `frame` must keep one size between calls; `rect` is in its pixels. */
  update(at: number, frame: GreyImage, rect: Rect): ImageActivity {
    const ref = this.reference;
    if (ref && (ref.frame.width !== frame.width || ref.frame.height !== frame.height)) this.reset();
    const { spread } = regionStats(frame, rect, null);
    if (spread < BLANK_SPREAD) {
      this.stillSince = null;
      this.state = 'blank';
      this.reference = { at, frame: copy(frame) };
      return this.state;
    }
    if (!this.reference) {
      this.reference = { at, frame: copy(frame) };
      if (this.state === 'blank') this.state = 'starting';
      return this.state;
    }
    if (at - this.reference.at < COMPARE_EVERY_MS) {
      if (this.state === 'blank') this.state = 'starting';
      return this.state;
    }
    const { change } = regionStats(frame, rect, this.reference.frame);
    this.reference = { at, frame: copy(frame) };
    if (change < STILL_CHANGE) {
      this.stillSince ??= at - COMPARE_EVERY_MS;
      this.state = at - this.stillSince >= FROZEN_AFTER_MS ? 'frozen' : 'live';
    } else {
      this.stillSince = null;
      this.state = 'live';
    }
    return this.state;
  }

  reset(): void {
    this.reference = null;
    this.stillSince = null;
    this.state = 'starting';
  }
}

function copy(frame: GreyImage): GreyImage {
  return { width: frame.width, height: frame.height, data: new Uint8ClampedArray(frame.data) };
}
