// The inference worker: exposes InferenceApi over Comlink; all decoding, preprocessing and TF.js work runs here.

import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { summariseProbabilities, type FrameResult } from '../domain';
import { InputProblem } from '../sources';
import type { ClassifyOptions, FrameInput, FrameOutcome, InferenceApi, LoadedModelInfo } from './api';
import { InferenceEngine, wasmThreadCount } from './engine';
import { prepareFrame, type PreparedFrame } from './framePipeline';

// The WASM binaries are bundled with the app (no CDN).
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});
// The threaded build's pthread workers are started from a Blob made of the backend's own source, which
// breaks once the bundler minifies it ("e is not defined") and the backend then never answers. Until that
// is fixed, WASM runs single-threaded (SIMD) even when the page is cross-origin isolated.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

const engine = new InferenceEngine();
const cancelled = new Set<string>();

const api: InferenceApi = {
  async load(source, preference): Promise<LoadedModelInfo> {
    const result = await engine.load(source, preference);
    return { ...result, wasmThreads: result.backend === 'wasm' ? wasmThreadCount() : 0 };
  },

  async classify(frames: FrameInput[], options: ClassifyOptions = {}): Promise<FrameOutcome[]> {
    const metadata = engine.activeMetadata;
    if (!metadata) throw new Error('No model is loaded.');
    const { input } = metadata;
    const frameSize = input.height * input.width * 3;
    const outcomes: FrameOutcome[] = new Array(frames.length);
    const batchSize = engine.batchSize;
    try {
      for (let start = 0; start < frames.length; start += batchSize) {
        if (options.jobId && cancelled.has(options.jobId)) {
          for (let i = start; i < frames.length; i++) {
            outcomes[i] = {
              ok: false,
              name: frames[i]!.name ?? 'frame',
              code: 'cancelled',
              message: 'Cancelled.',
            };
          }
          break;
        }
        const slice = frames.slice(start, start + batchSize);
        const data = new Float32Array(slice.length * frameSize);
        const prepared: Array<{ index: number; frame: PreparedFrame }> = [];
        for (let i = 0; i < slice.length; i++) {
          const frame = slice[i]!;
          try {
            const p = await prepareFrame(frame, input, data, prepared.length * frameSize);
            prepared.push({ index: start + i, frame: p });
          } catch (error) {
            const name = frame.name ?? 'The frame';
            outcomes[start + i] =
              error instanceof InputProblem
                ? { ok: false, name, code: error.code, message: error.message }
                : {
                    ok: false,
                    name,
                    code: 'corrupt-image',
                    message: `${name} could not be read: ${(error as Error).message}`,
                  };
          }
        }
        if (prepared.length === 0) continue;
        const n = prepared.length;
        let batch;
        try {
          batch = await engine.classifyPrepared(
            n === slice.length ? data : data.subarray(0, n * frameSize),
            n,
          );
        } catch (error) {
          for (const { index, frame } of prepared) {
            outcomes[index] = {
              ok: false,
              name: frame.name,
              code: 'inference-failed',
              message: `The model failed: ${(error as Error).message}`,
            };
          }
          continue;
        }
        prepared.forEach(({ index, frame }, i) => {
          const probabilities = batch.probabilities[i]!;
          const result: FrameResult = {
            probabilities,
            ...summariseProbabilities(probabilities, metadata.lowConfidenceThreshold),
            inferenceMs: batch.ms / n,
            totalMs: frame.prepareMs + batch.ms / n,
            backend: batch.backend,
            modelId: metadata.id,
            modelVersion: metadata.version,
            crop: frame.crop,
            cropDetected: frame.cropDetected,
            frameWidth: frame.frameWidth,
            frameHeight: frame.frameHeight,
          };
          outcomes[index] = { ok: true, result };
        });
      }
    } finally {
      if (options.jobId) cancelled.delete(options.jobId);
    }
    return outcomes;
  },

  cancel(jobId: string) {
    cancelled.add(jobId);
  },

  tensorCount() {
    return engine.tensorCount();
  },

  async dispose() {
    engine.dispose();
  },
};

Comlink.expose(api);
