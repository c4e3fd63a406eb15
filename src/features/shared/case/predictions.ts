// What a stored case keeps of one result: scored (the gate passed it), or refused with the gate's reason and the unreliable probabilities.
import type { FrameResult } from '../../../core';
import { splitModelKey, type StoredPrediction } from '../../../store';

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

/** A prediction key (`${modelId}@${modelVersion}`) as a reader sees it: "lus-resnet152 v2.0.0". */
export function modelKeyName(key: string): string {
  const { modelId, modelVersion } = splitModelKey(key);
  return modelVersion ? `${modelId} v${modelVersion}` : modelId;
}
