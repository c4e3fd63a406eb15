// Browser harness for specs: exposes the app's own InferenceEngine on window so a spec can feed exact tensors.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { InferenceEngine } from '../../src/inference/engine';
import type { BackendPreference } from '../../src/inference/api';

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

async function runExported(
  modelUrl: string,
  wasmBase: string,
  backend: BackendPreference,
  inputs: number[][],
) {
  setWasmPaths(wasmBase);
  const engine = new InferenceEngine();
  const loaded = await engine.load({ kind: 'url', url: modelUrl }, backend);
  const n = inputs.length;
  const data = new Float32Array(inputs.flat());
  const out = await engine.classifyPrepared(data, n);
  engine.dispose();
  return { backend: loaded.backend, probabilities: out.probabilities };
}

(window as unknown as { lusHarness: unknown }).lusHarness = { runExported };
