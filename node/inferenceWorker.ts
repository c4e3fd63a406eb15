// A worker thread in Node serving the same InferenceApi as the browser's inference worker, over Comlink's Node adapter.

import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { FrameClassifier } from '../src/inference/classifier';
import { classifierApi } from '../src/inference/classifierApi';
import { useWasmBackendInNode } from './wasmBackend';

if (!parentPort)
  throw new Error('node/inferenceWorker.ts runs as a worker thread (see startInferenceThread)');
Comlink.expose(classifierApi(new FrameClassifier(), useWasmBackendInNode), nodeEndpoint(parentPort));
