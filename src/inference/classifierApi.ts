// The InferenceApi a FrameClassifier serves: one definition for the browser's inference worker and the command line's worker threads.

import type { InferenceApi } from './api';
import type { FrameClassifier } from './classifier';

/**
 * The worker-side API over one classifier. `beforeLoad` readies the context's backend first (Node starts
 * TF.js's WASM backend there; the browser worker configures its bundled WASM files before any load).
 */
export function classifierApi(
  classifier: FrameClassifier,
  beforeLoad: () => Promise<void> = async () => {},
): InferenceApi {
  return {
    load: async (source, preference) => {
      await beforeLoad();
      return classifier.load(source, preference);
    },
    classify: (frames, options) => classifier.classify(frames, options),
    adaptHead: async (cases, options) => classifier.adaptHead(cases, options),
    writeSiteHead: (head, summary, site, headNumber) =>
      classifier.writeSiteHead(head, summary, site, headNumber),
    adaptedModel: (headFile) => classifier.adaptedModel(headFile),
    cancel: (jobId) => classifier.cancel(jobId),
    tensorCount: () => classifier.tensorCount(),
    dispose: async () => classifier.dispose(),
  };
}
