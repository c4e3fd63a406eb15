// The input gate's verdict: combines the image checks and the feature reference into whether a frame looks like a
// lung-ultrasound B-mode image the model can read, and says why not in plain words.

import type { ImageEvidence } from './imageChecks';
import { GATE_MESSAGES, type GateReasonCode } from './reasons';
import { NON_LUNG_VIEWS, type NonLungKind } from './reference';

export interface GateVerdict {
  pass: boolean;
  reason?: GateReasonCode;
  /** Plain words: the refusal, or what was checked. */
  message: string;
  /** True when the model-based part took part (the model carries gate statistics and a threshold). */
  modelChecked: boolean;
  /** Normalised distance of the pooled features from the training distribution (about 1 inside it). */
  featureScore?: number;
  featureThreshold?: number;
  /** Scores against known non-lung views (0 at the lung training mean, 1 at the view's mean), by kind. */
  viewScores?: Record<string, number>;
  evidence?: ImageEvidence;
}

/** Combines the image checks and the feature score into the verdict every result carries. */
export function gateVerdict(
  imageReason: GateReasonCode | null,
  evidence: ImageEvidence | undefined,
  feature: { score: number; threshold: number } | null,
  views: ReadonlyArray<{ kind: NonLungKind; score: number; threshold?: number }> = [],
): GateVerdict {
  const modelChecked = feature !== null || views.some((v) => v.threshold !== undefined);
  const scores = {
    ...(feature ? { featureScore: feature.score, featureThreshold: feature.threshold } : {}),
    ...(views.length ? { viewScores: Object.fromEntries(views.map((v) => [v.kind, v.score])) } : {}),
  };
  const withEvidence = evidence ? { evidence } : {};
  if (imageReason) {
    return {
      pass: false,
      reason: imageReason,
      message: GATE_MESSAGES[imageReason],
      modelChecked,
      ...scores,
      ...withEvidence,
    };
  }
  // A recognised non-lung view first: "a heart view" tells the reader more than "unfamiliar".
  const view = views.find((v) => v.threshold !== undefined && !(v.score <= v.threshold));
  if (view) {
    const reason = NON_LUNG_VIEWS[view.kind];
    return { pass: false, reason, message: GATE_MESSAGES[reason], modelChecked, ...scores, ...withEvidence };
  }
  if (feature && !(feature.score <= feature.threshold)) {
    return {
      pass: false,
      reason: 'unfamiliar',
      message: GATE_MESSAGES.unfamiliar,
      modelChecked,
      ...scores,
      ...withEvidence,
    };
  }
  return {
    pass: true,
    message: modelChecked
      ? 'Looks like a lung-ultrasound frame (image checks and model check passed).'
      : 'Looks like an ultrasound frame (image checks only: this model has no calibrated gate statistics).',
    modelChecked,
    ...scores,
    ...withEvidence,
  };
}

/** A refusal for a frame in which no ultrasound region was found at all (ROI detection's own reasons). */
export function regionRefusal(reason: 'uniform' | 'no-ultrasound'): GateVerdict {
  return { pass: false, reason, message: GATE_MESSAGES[reason], modelChecked: false };
}
