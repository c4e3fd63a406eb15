// Peer benchmark: ONNX Runtime Web (WASM, the same thread count) on the exporter's ONNX file, timed per run.
import * as Comlink from 'comlink';
import type * as Ort from 'onnxruntime-web';

let ort: typeof Ort | null = null;
let session: Ort.InferenceSession | null = null;
let input: Float32Array | null = null;
let shape: number[] = [];

const api = {
  /** ORT is served as published (/ort/), not bundled: it loads its own .mjs/.wasm next to itself. */
  async load(onnxUrl: string, threads: number) {
    const origin = self.location.origin;
    ort = (await import(/* @vite-ignore */ `${origin}/ort/ort.wasm.min.mjs`)) as typeof Ort;
    ort.env.wasm.wasmPaths = `${origin}/ort/`;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.proxy = false;
    const t0 = performance.now();
    session = await ort.InferenceSession.create(onnxUrl, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    return {
      loadMs: performance.now() - t0,
      threads: ort.env.wasm.numThreads ?? threads,
      version: ort.env.versions.web,
    };
  },
  setInput(data: Float32Array, dims: number[]) {
    input = data;
    shape = dims;
  },
  async run(count: number) {
    if (!ort || !session || !input) throw new Error('not loaded');
    const times: number[] = [];
    let probs: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const x = new ort.Tensor('float32', input, shape);
      const out = await session.run({ input: x });
      const p = out.probs!;
      const values = (await p.getData()) as Float32Array;
      times.push(performance.now() - t0);
      probs = Array.from(values.subarray(0, p.dims[1]));
      x.dispose();
      p.dispose();
    }
    return { times, probs };
  },
};

export type OrtBenchApi = typeof api;
Comlink.expose(api);
