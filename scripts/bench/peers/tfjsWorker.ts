// Peer benchmark: the app's own InferenceEngine and WASM set-up in a worker, timed per model run.
import * as Comlink from 'comlink';
import type { BackendPreference } from '../../../src/inference/api';
import { InferenceEngine, wasmThreadCount } from '../../../src/inference/engine';
import { profileGraphModel } from '../../../src/inference/profile';
import { configureBundledWasm } from '../../../src/inference/wasmAssets';

const engine = new InferenceEngine();
let input: Float32Array | null = null;
let modelUrl = '';

const api = {
  /** `threads`: as the app decides (undefined), or a count (1: the single-threaded build used before). */
  async load(url: string, backend: BackendPreference, threads?: number) {
    configureBundledWasm(threads === undefined ? {} : { threads });
    modelUrl = new URL(url, self.location.origin).href;
    const r = await engine.load({ kind: 'url', url }, backend);
    return {
      backend: r.backend,
      threads: r.backend === 'wasm' ? wasmThreadCount() : null,
      loadMs: r.loadMs,
      warmupMs: r.warmupMs,
      classes: r.metadata.classes,
      probes: r.probes,
    };
  },
  setInput(data: Float32Array) {
    input = data;
  },
  /** `count` runs of one frame each, back to back; the model's probabilities of the last. */
  async run(count: number, batch = 1) {
    if (!input) throw new Error('no input');
    const data = batch === 1 ? input : repeat(input, batch);
    const times: number[] = [];
    let probs: number[] = [];
    for (let i = 0; i < count; i++) {
      const out = await engine.classifyPrepared(data, batch);
      times.push(out.ms / batch);
      const classes = engine.activeMetadata!.classes;
      probs = classes.map((id) => out.probabilities[0]![id]);
    }
    return { times, probs, tensors: engine.tensorCount() };
  },
  /** Kernel times of one run, by op (a second copy of the model, loaded for this alone). */
  async profile() {
    const m = engine.activeMetadata!;
    return profileGraphModel(
      modelUrl,
      m.input.name,
      m.outputs.probabilities,
      [1, m.input.height, m.input.width, 3],
      input!,
    );
  },
};

function repeat(frame: Float32Array, n: number): Float32Array {
  const out = new Float32Array(frame.length * n);
  for (let i = 0; i < n; i++) out.set(frame, i * frame.length);
  return out;
}

export type TfjsBenchApi = typeof api;
Comlink.expose(api);
