// Peer benchmark page: one worker per engine (our TF.js backends, ONNX Runtime Web), driven by scripts/bench/bench-peers.ts.
import * as Comlink from 'comlink';
import type { BackendPreference } from '../../../src/inference/api';
import type { OrtBenchApi } from './ortWorker';
import type { TfjsBenchApi } from './tfjsWorker';

interface Loaded {
  engine: string;
  [key: string]: unknown;
}

const tfjs = new Map<string, Comlink.Remote<TfjsBenchApi>>();
let ortRemote: Comlink.Remote<OrtBenchApi> | null = null;
let input: Float32Array | null = null;
let dims: number[] = [];

const bench = {
  async setInput(url: string, shape: number[]) {
    input = new Float32Array(await (await fetch(url)).arrayBuffer());
    dims = shape;
    return { isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency, values: input.length };
  },
  async load(
    engine: string,
    options: { modelUrl: string; onnxUrl: string; threads: number; tfjsThreads?: number },
  ): Promise<Loaded> {
    if (!input) throw new Error('setInput first');
    if (engine === 'ort-wasm') {
      const worker = new Worker(new URL('./ortWorker.ts', import.meta.url), { type: 'module', name: engine });
      ortRemote = Comlink.wrap<OrtBenchApi>(worker);
      const info = await ortRemote.load(options.onnxUrl, options.threads);
      await ortRemote.setInput(input, dims);
      return { engine, ...info };
    }
    // "tfjs-wasm@1": the same backend in its own worker with another thread count.
    const backend = engine.replace('tfjs-', '').replace(/@.*/, '') as BackendPreference;
    const worker = new Worker(new URL('./tfjsWorker.ts', import.meta.url), { type: 'module', name: engine });
    const remote = Comlink.wrap<TfjsBenchApi>(worker);
    const info = await remote.load(options.modelUrl, backend, options.tfjsThreads);
    await remote.setInput(input);
    tfjs.set(engine, remote);
    return { engine, ...info };
  },
  async run(engine: string, count: number, batch = 1) {
    if (engine === 'ort-wasm') return ortRemote!.run(count);
    return tfjs.get(engine)!.run(count, batch);
  },
  profile(engine: string) {
    return tfjs.get(engine)!.profile();
  },
  heapMB() {
    const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return m ? m.usedJSHeapSize / 2 ** 20 : null;
  },
};

(window as unknown as { lusBench: typeof bench }).lusBench = bench;
document.getElementById('status')!.textContent = 'ready';
