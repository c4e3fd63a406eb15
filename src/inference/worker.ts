// The inference worker: exposes InferenceApi over Comlink; all decoding, preprocessing and TF.js work runs here.

import * as Comlink from 'comlink';
import type { InferenceApi } from './api';
import { FrameClassifier } from './classifier';
import { configureBundledWasm } from './wasmAssets';

configureBundledWasm();
const classifier = new FrameClassifier();

const api: InferenceApi = {
  load: (source, preference) => classifier.load(source, preference),
  classify: (frames, options) => classifier.classify(frames, options),
  cancel: (jobId) => classifier.cancel(jobId),
  tensorCount: () => classifier.tensorCount(),
  dispose: async () => classifier.dispose(),
};

Comlink.expose(api);
