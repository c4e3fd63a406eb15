// The TF.js runtime for one active model: load → choose backend → warm up → classify batches → dispose.

import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { CLASS_IDS, type BackendName, type ClassId, type ModelMetadata } from '../domain';
import type { BackendPreference, BackendProbe, ModelSource } from './api';
import { LADDER, activateBackend, inspectBackend, stepDown } from './backends';
import { readModelArtifacts } from './modelArtifacts';

export interface BatchOutput {
  probabilities: Array<Record<ClassId, number>>;
  /** Model execution time for the whole batch. */
  ms: number;
  backend: BackendName;
}

/** Frames per execution: GPUs like larger batches; single-threaded WASM gains little beyond a few. */
const BATCH_SIZE: Record<BackendName, number> = { webgpu: 8, webgl: 8, wasm: 4, cpu: 2 };

export interface LoadResult {
  metadata: ModelMetadata;
  backend: BackendName;
  probes: BackendProbe[];
  loadMs: number;
  warmupMs: number;
  weightBytes: number;
  medianRunMs: number;
}

const now = () => performance.now();

export class InferenceEngine {
  private model: tf.GraphModel | null = null;
  private metadata: ModelMetadata | null = null;
  private backend: BackendName = 'wasm';

  get activeBackend(): BackendName {
    return this.backend;
  }

  get activeMetadata(): ModelMetadata | null {
    return this.metadata;
  }

  private zeros(n: number): tf.Tensor4D {
    const { height, width } = this.metadata!.input;
    return tf.zeros([n, height, width, 3]);
  }

  private runOnce(model: tf.GraphModel, metadata: ModelMetadata, input: tf.Tensor4D): tf.Tensor {
    return model.execute({ [metadata.input.name]: input }, metadata.outputs.probabilities) as tf.Tensor;
  }

  /** Median time of a few runs on the active backend, after one untimed run. */
  private async timeRuns(model: tf.GraphModel, metadata: ModelMetadata, runs: number): Promise<number> {
    const { height, width } = metadata.input;
    const input = tf.zeros([1, height, width, 3]) as tf.Tensor4D;
    const times: number[] = [];
    try {
      for (let i = 0; i <= runs; i++) {
        const t0 = now();
        const out = this.runOnce(model, metadata, input);
        await out.data();
        out.dispose();
        if (i > 0) times.push(now() - t0);
      }
    } finally {
      input.dispose();
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? Infinity;
  }

  /** Compiles every shader in parallel before the first real run (TF.js benchmark_util's recipe). */
  private async warmUp(model: tf.GraphModel, metadata: ModelMetadata): Promise<void> {
    const flag =
      this.backend === 'webgpu'
        ? 'WEBGPU_ENGINE_COMPILE_ONLY'
        : this.backend === 'webgl'
          ? 'ENGINE_COMPILE_ONLY'
          : null;
    if (flag) {
      const input = this.zerosFor(metadata, BATCH_SIZE[this.backend]);
      try {
        tf.env().set(flag, true);
        const out = this.runOnce(model, metadata, input);
        tf.env().set(flag, false);
        out.dispose();
        const backend = tf.backend() as unknown as {
          checkCompileCompletionAsync?: () => Promise<unknown>;
          getUniformLocations?: () => void;
        };
        await backend.checkCompileCompletionAsync?.();
        backend.getUniformLocations?.();
      } catch {
        // Parallel compilation is an optimisation; a plain run below compiles whatever is missing.
      } finally {
        tf.env().set(flag, false);
        input.dispose();
      }
    }
    for (const n of new Set([1, BATCH_SIZE[this.backend]])) {
      const input = this.zerosFor(metadata, n);
      const out = this.runOnce(model, metadata, input);
      await out.data();
      out.dispose();
      input.dispose();
    }
  }

  private zerosFor(metadata: ModelMetadata, n: number): tf.Tensor4D {
    return tf.zeros([n, metadata.input.height, metadata.input.width, 3]);
  }

  /**
   * Loads a model and picks the backend. The previous model keeps working until the new one has
   * loaded and run, so a broken import never leaves the user without a model.
   */
  async load(source: ModelSource, preference: BackendPreference): Promise<LoadResult> {
    const t0 = now();
    const { artifacts, metadata, weightBytes } = await readModelArtifacts(source);
    const probes = await Promise.all(LADDER.map((b) => inspectBackend(b)));

    let candidates: BackendName[];
    if (preference !== 'auto') {
      candidates = [preference, ...LADDER.filter((b) => b !== preference)];
    } else {
      candidates = probes.filter((p) => p.available && !p.software).map((p) => p.backend);
      if (!candidates.includes('wasm')) candidates.push('wasm');
    }

    // Weights are created on WASM (always present) and move to the chosen backend on first use.
    await activateBackend('wasm');
    const model = await tf.loadGraphModel({ load: async () => artifacts });
    const loadMs = now() - t0;

    let chosen: BackendName | null = null;
    if (preference !== 'auto' || candidates.length === 1) {
      for (const b of candidates) {
        try {
          await activateBackend(b);
          chosen = b;
          break;
        } catch (error) {
          const probe = probes.find((p) => p.backend === b);
          if (probe) {
            probe.available = false;
            probe.detail = `${probe.detail}; failed: ${(error as Error).message}`;
          }
        }
      }
    } else {
      // Several real backends: time a short run on each and keep the fastest.
      let best = Infinity;
      for (const b of candidates) {
        const probe = probes.find((p) => p.backend === b)!;
        try {
          await activateBackend(b);
          const ms = await this.timeRuns(model, metadata, 2);
          probe.timedMs = ms;
          if (ms < best) {
            best = ms;
            chosen = b;
          }
        } catch (error) {
          probe.available = false;
          probe.detail = `${probe.detail}; failed: ${(error as Error).message}`;
        }
      }
      if (chosen) await activateBackend(chosen);
    }
    if (!chosen) {
      model.dispose();
      throw new Error('No TF.js backend could run the model on this device.');
    }
    this.backend = chosen;
    const w0 = now();
    await this.warmUp(model, metadata);
    const warmupMs = now() - w0;
    const medianRunMs = await this.timeRuns(model, metadata, 2);

    this.model?.dispose();
    this.model = model;
    this.metadata = metadata;
    return { metadata, backend: chosen, probes, loadMs, warmupMs, weightBytes, medianRunMs };
  }

  get batchSize(): number {
    return BATCH_SIZE[this.backend];
  }

  /**
   * Runs prepared NHWC data for n frames. On a GPU failure (device or context lost) steps down the
   * ladder once and re-runs, so the result still arrives and records the backend that produced it.
   */
  async classifyPrepared(data: Float32Array, n: number): Promise<BatchOutput> {
    const model = this.model;
    const metadata = this.metadata;
    if (!model || !metadata) throw new Error('No model is loaded.');
    const { height, width } = metadata.input;
    const attempt = async (): Promise<BatchOutput> => {
      const t0 = now();
      const input = tf.tensor4d(data, [n, height, width, 3]);
      let output: tf.Tensor | null = null;
      try {
        output = this.runOnce(model, metadata, input);
        const values = await output.data();
        const k = metadata.classes.length;
        const probabilities: Array<Record<ClassId, number>> = [];
        for (let i = 0; i < n; i++) {
          const row = {} as Record<ClassId, number>;
          metadata.classes.forEach((id, j) => {
            row[id] = values[i * k + j]!;
          });
          for (const id of CLASS_IDS) row[id] ??= 0;
          probabilities.push(row);
        }
        return { probabilities, ms: now() - t0, backend: this.backend };
      } finally {
        input.dispose();
        output?.dispose();
      }
    };
    try {
      return await attempt();
    } catch (error) {
      const next = stepDown(this.backend);
      if (!next) throw error;
      await activateBackend(next);
      this.backend = next;
      return attempt();
    }
  }

  tensorCount(): number {
    return tf.memory().numTensors;
  }

  dispose(): void {
    this.model?.dispose();
    this.model = null;
    this.metadata = null;
  }
}

export function wasmThreadCount(): number {
  try {
    return getThreadsCount();
  } catch {
    // Before the WASM backend has initialised there is no thread pool to ask.
    return 1;
  }
}
