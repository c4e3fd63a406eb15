// The inference worker: exposes InferenceApi over Comlink; all decoding, preprocessing and TF.js work runs here.

import * as Comlink from 'comlink';
import { FrameClassifier } from './classifier';
import { classifierApi } from './classifierApi';
import { configureBundledWasm } from './wasmAssets';

configureBundledWasm();
Comlink.expose(classifierApi(new FrameClassifier()));
