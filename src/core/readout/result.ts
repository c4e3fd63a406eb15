// What a classification says about one frame, and how the read-out phrases it.

import { CLASS_IDS, CLASS_NAMES, type ClassId, type Rect } from '../frame';
import type { GateVerdict } from '../gate';
import type { HeatMap } from '../heatmap';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface FrameResult {
  /** Probabilities in CLASS_IDS order (the model's own order is mapped onto it). */
  probabilities: Record<ClassId, number>;
  top: ClassId;
  runnerUp: ClassId;
  lowConfidence: boolean;
  /** Model execution time for this frame (batch time divided by batch size), milliseconds. */
  inferenceMs: number;
  /** Decode + ROI + preprocessing + inference for this frame, milliseconds. */
  totalMs: number;
  backend: BackendName;
  modelId: string;
  modelVersion: string;
  /** The crop that was classified, in the frame's pixels. */
  crop: Rect;
  frameWidth: number;
  frameHeight: number;
  /** True when ROI detection chose the crop; false when the user or caller gave it. */
  cropDetected: boolean;
  /** The input gate's verdict: pass, or refuse with the reason in plain words. Absent only in old records. */
  gate?: GateVerdict;
  /** Class-activation heat map from the same model run; absent when the model has no feature output. */
  heatMap?: HeatMap;
  /** Why there is no heat map ("this model has no feature-map output"), when there is none. */
  heatMapNote?: string;
  /** The pooled features, only when asked for (gate calibration); never stored. */
  pooledFeatures?: number[];
}

/** Orders probabilities, finds the top class and runner-up, and flags low confidence. */
export function summariseProbabilities(
  probabilities: Record<ClassId, number>,
  lowConfidenceThreshold: number,
): { top: ClassId; runnerUp: ClassId; lowConfidence: boolean } {
  const ranked = [...CLASS_IDS].sort((a, b) => probabilities[b] - probabilities[a]);
  const top = ranked[0]!;
  return { top, runnerUp: ranked[1]!, lowConfidence: probabilities[top] < lowConfidenceThreshold };
}

/** The runner-up is named when it is close enough that a reader should consider it. */
export const CLOSE_RUNNER_UP = 0.25;

/**
 * The read-out in two parts: the sign, and the runner-up when it is close enough to name. Display names are
 * used as they are ("B-lines, possibly A-lines"): a sign's name is never lower-cased.
 */
export function readOutParts(result: Pick<FrameResult, 'probabilities' | 'top' | 'runnerUp'>): {
  sign: string;
  runnerUp: string | null;
} {
  const gap = result.probabilities[result.top] - result.probabilities[result.runnerUp];
  return {
    sign: CLASS_NAMES[result.top],
    runnerUp: gap < CLOSE_RUNNER_UP ? CLASS_NAMES[result.runnerUp] : null,
  };
}

/** "B-lines, possibly A-lines" when the second sign is close, else just the sign. */
export function readOut(result: Pick<FrameResult, 'probabilities' | 'top' | 'runnerUp'>): string {
  const { sign, runnerUp } = readOutParts(result);
  return runnerUp ? `${sign}, possibly ${runnerUp}` : sign;
}
