// What a stored case keeps of one result: scored (the gate passed it), or refused with the gate's reason and the unreliable probabilities; a clip's read-out with its frame counts.
import type { FrameResult } from '../../../core';
import type { ClipReadout } from '../../../core/clip';
import { splitModelKey, type StoredPrediction } from '../../../store';
import type { ClipReadBy } from '../clip';

export function predictionFromResult(result: FrameResult, at = Date.now()): StoredPrediction {
  if (result.gate && !result.gate.pass) {
    // Refused by the input gate: stored as refused (metrics count it in coverage), probabilities kept for review.
    return {
      status: 'refused',
      modelId: result.modelId,
      modelVersion: result.modelVersion,
      at,
      code: result.gate.reason ?? 'refused',
      message: result.gate.message,
      probabilities: result.probabilities,
      top: result.top,
    };
  }
  return {
    ...(result.gate ? { gate: 'passed' as const } : {}),
    status: 'scored',
    modelId: result.modelId,
    modelVersion: result.modelVersion,
    at,
    probabilities: result.probabilities,
    top: result.top,
    lowConfidence: result.lowConfidence,
    backend: result.backend,
    inferenceMs: result.inferenceMs,
    ...(result.pooledFeatures ? { features: Float32Array.from(result.pooledFeatures) } : {}),
  };
}

/**
 * A clip case's prediction: the clip read-out (mean over the frames the gate passed), with its frame counts,
 * the model version and the backend. A clip the clip-level gate refused is stored as refused, like a frame.
 */
export function predictionFromClipReadout(
  readout: ClipReadout,
  by: ClipReadBy,
  at = Date.now(),
): StoredPrediction {
  const clip = {
    framesSampled: readout.sampling.framesSampled,
    framesRead: readout.framesRead,
    framesRefused: readout.framesRefused,
    framesUnreadable: readout.framesUnreadable,
  };
  const base = { modelId: by.modelId, modelVersion: by.modelVersion, at, clip };
  if (!readout.gate.pass) {
    return {
      ...base,
      status: 'refused',
      code: 'clip-refused',
      message: readout.gate.message,
      probabilities: readout.probabilities,
      top: readout.top,
      backend: by.backend,
    };
  }
  return {
    ...base,
    status: 'scored',
    gate: 'passed',
    probabilities: readout.probabilities,
    top: readout.top,
    lowConfidence: readout.lowConfidence,
    backend: by.backend,
    inferenceMs: by.inferenceMs,
  };
}

/** A prediction key (`${modelId}@${modelVersion}`) as a reader sees it: "lus-resnet152 v2.0.0". */
export function modelKeyName(key: string): string {
  const { modelId, modelVersion } = splitModelKey(key);
  return modelVersion ? `${modelId} v${modelVersion}` : modelId;
}
