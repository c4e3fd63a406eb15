// The TF.js runtime for one active model: load → choose backend → warm up → classify batches → dispose.

import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { CLASS_IDS, type BackendName, type ClassId, type ModelMetadata } from '../core';
import type { BackendPreference, BackendProbe, ModelSource } from './api';
import { LADDER, activateBackend, inspectBackend, stepDown } from './backends';
import { readModelArtifacts } from './modelArtifacts';
import type { GraphModelFiles } from './siteHeadWeights';

export interface BatchOutput {
  probabilities: Array<Record<ClassId, number>>;
  /** Per frame: raw class activations [cells × classes] in the model's class order, when asked for. */
  activations?: Float32Array[];
  /** Feature-map cells down and across, with activations. */
  cells?: { height: number; width: number };
  /** Per frame: pooled features (the input gate's model check), when the model outputs them. */
  pooled?: Float32Array[];
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
  /** The classifier's kernel [channels, classes] from the loaded weights: heat maps need no second run. */
  private camKernel: tf.Tensor2D | null = null;
  /** Model executions since load, counted so a test can prove heat maps and the gate cost no extra run. */
  executions = 0;
  /** Where the loaded model came from: site adaptation re-reads its weights only when asked (no second copy kept). */
  private source: ModelSource | null = null;

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
    this.camKernel = findCamKernel(model, metadata);
    this.executions = 0;
    this.source = source;
    return { metadata, backend: chosen, probes, loadMs, warmupMs, weightBytes, medianRunMs };
  }

  /**
   * The loaded model as files (its weights in one shard, in manifest order, so the weights hash is the same as
   * over the original shards): what site adaptation reads the head from and folds a new head into.
   */
  async activeModelFiles(): Promise<GraphModelFiles> {
    if (!this.source) throw new Error('No model is loaded');
    const { artifacts } = await readModelArtifacts(this.source);
    return {
      modelJson: {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        userDefinedMetadata: artifacts.userDefinedMetadata,
        ...(artifacts.signature ? { signature: artifacts.signature } : {}),
      },
      shards: { 'weights.bin': artifacts.weightData as ArrayBuffer },
    };
  }

  get batchSize(): number {
    return BATCH_SIZE[this.backend];
  }

  /**
   * Runs prepared NHWC data for n frames. On a GPU failure (device or context lost) steps down the
   * ladder once and re-runs, so the result still arrives and records the backend that produced it.
   */
  /** Whether heat maps can be computed for the loaded model (feature-map output and classifier weights). */
  get canExplain(): boolean {
    return this.camKernel !== null && this.metadata?.outputs.featureMap !== undefined;
  }

  async classifyPrepared(
    data: Float32Array,
    n: number,
    options: { explain?: boolean } = {},
  ): Promise<BatchOutput> {
    const model = this.model;
    const metadata = this.metadata;
    if (!model || !metadata) throw new Error('No model is loaded.');
    const { height, width } = metadata.input;
    const explain = options.explain !== false && this.canExplain;
    const pooledName = metadata.outputs.pooledFeatures;
    const attempt = async (): Promise<BatchOutput> => {
      const t0 = now();
      const input = tf.tensor4d(data, [n, height, width, 3]);
      let output: tf.Tensor | null = null;
      let extras: { activations?: tf.Tensor4D; pooled?: tf.Tensor } = {};
      try {
        // One execution for everything: probabilities, pooled features and the feature map together.
        const names = [metadata.outputs.probabilities];
        if (pooledName) names.push(pooledName);
        if (explain) names.push(metadata.outputs.featureMap!);
        this.executions++;
        const executed = model.execute({ [metadata.input.name]: input }, names);
        // A single requested output comes back as a tensor, not a list of one.
        const outs = Array.isArray(executed) ? executed : [executed];
        output = outs[0]!;
        const pooled = pooledName ? outs[1] : undefined;
        const features = explain ? (outs[names.length - 1] as tf.Tensor4D) : undefined;
        extras = {
          ...(pooled ? { pooled } : {}),
          // CAM on the backend: [n·h·w, channels] × [channels, classes], then back to [n, h, w, classes].
          ...(features ? { activations: this.activations(features) } : {}),
        };
        if (features && features !== extras.activations) features.dispose();
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
        const result: BatchOutput = { probabilities, ms: 0, backend: this.backend };
        if (extras.pooled) {
          const pooled = (await extras.pooled.data()) as Float32Array;
          const c = pooled.length / n;
          result.pooled = Array.from({ length: n }, (_, i) => pooled.slice(i * c, (i + 1) * c));
        }
        if (extras.activations) {
          const [, h, w, k] = extras.activations.shape;
          const cam = (await extras.activations.data()) as Float32Array;
          const size = h * w * k;
          result.cells = { height: h, width: w };
          result.activations = Array.from({ length: n }, (_, i) => cam.slice(i * size, (i + 1) * size));
        }
        result.ms = now() - t0;
        return result;
      } finally {
        input.dispose();
        output?.dispose();
        extras.pooled?.dispose();
        extras.activations?.dispose();
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

  private activations(features: tf.Tensor4D): tf.Tensor4D {
    const kernel = this.camKernel!;
    return tf.tidy(() => {
      const [n, h, w, c] = features.shape;
      const flat = features.reshape([n * h * w, c]);
      return tf.matMul(flat, kernel).reshape([n, h, w, kernel.shape[1]]);
    });
  }

  tensorCount(): number {
    return tf.memory().numTensors;
  }

  dispose(): void {
    this.model?.dispose();
    this.model = null;
    this.metadata = null;
    this.camKernel = null;
  }
}

/** The classifier kernel named in the metadata, if the model carries one of the right shape. */
function findCamKernel(model: tf.GraphModel, metadata: ModelMetadata): tf.Tensor2D | null {
  const name = metadata.classifier?.kernel;
  if (!name || !metadata.outputs.featureMap) return null;
  const tensor = model.weights[name]?.[0];
  if (!tensor || tensor.rank !== 2 || tensor.shape[1] !== metadata.classes.length) return null;
  return tensor as tf.Tensor2D;
}

export function wasmThreadCount(): number {
  try {
    return getThreadsCount();
  } catch {
    // Before the WASM backend has initialised there is no thread pool to ask.
    return 1;
  }
}
