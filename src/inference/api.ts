// The typed surface of the inference worker: what the UI may ask for and what comes back.

import type { BackendName, FrameResult, ModelMetadata, Rect, RgbaImage } from '../core';
import type { InputProblemCode } from '../sources';
import type { AdaptationCase, AdaptationOptions, HeadSummary, SiteAdaptation } from '../core/adapt';

export type BackendPreference = 'auto' | Exclude<BackendName, 'cpu'>;

/** Where a model comes from: a URL (bundled models) or files held on the device (imported models). */
export type ModelSource =
  | { kind: 'url'; url: string }
  | { kind: 'files'; label: string; modelJson: string; shards: Record<string, ArrayBuffer> };

export interface BackendProbe {
  backend: BackendName;
  available: boolean;
  /** Software renderers (SwiftShader) are skipped unless forced: they are slower than WASM. */
  software: boolean;
  detail: string;
  /** Median model run time on this backend during selection, when it was timed. */
  timedMs?: number;
}

export interface LoadedModelInfo {
  metadata: ModelMetadata;
  backend: BackendName;
  probes: BackendProbe[];
  loadMs: number;
  warmupMs: number;
  weightBytes: number;
  wasmThreads: number;
  /** Median model run (batch of one) on the chosen backend after warm-up, milliseconds. */
  medianRunMs: number;
  /** Where the model runs: the inference worker, or the page itself when only it can reach the GPU. */
  context: 'worker' | 'main-thread';
}

export interface FrameInput {
  /** An encoded image file (PNG, JPEG, …), decoded in the worker. */
  file?: Blob;
  /** Or pixels already in memory (a captured video frame, a phantom). */
  pixels?: RgbaImage;
  /** Name shown in messages ("IMG_004.png"). */
  name?: string;
  /** A crop chosen by the user, in the frame's own pixels; omitted → detected automatically. */
  crop?: Rect;
}

export type FrameOutcome =
  | { ok: true; result: FrameResult }
  | { ok: false; name: string; code: InputProblemCode | 'cancelled' | 'inference-failed'; message: string };

export interface ClassifyOptions {
  /** Lets the client cancel a long call (AbortSignal cannot cross the worker boundary itself). */
  jobId?: string;
  /** Class-activation heat maps from the same run (default true); false measures the read-out alone. */
  explain?: boolean;
  /** Return each frame's pooled features (`FrameResult.pooledFeatures`): for gate calibration only. */
  pooledFeatures?: boolean;
}

/** A model folder in memory, as an import or the site adaptation hands it over to be kept on the device. */
export interface ModelFolderFiles {
  modelJson: string;
  shards: Record<string, ArrayBuffer>;
}

export interface InferenceApi {
  load(source: ModelSource, preference: BackendPreference): Promise<LoadedModelInfo>;
  classify(frames: FrameInput[], options?: ClassifyOptions): Promise<FrameOutcome[]>;
  /**
   * Site adaptation of the loaded model: re-fits its classifier head on labelled cases' pooled features
   * (from `classify` with `pooledFeatures`), measured by grouped cross-validation against the shipped head.
   */
  adaptHead(cases: AdaptationCase[], options?: AdaptationOptions): Promise<SiteAdaptation>;
  /** The shareable site-head file (JSON text) for a fitted head over the loaded model. */
  writeSiteHead(
    head: SiteAdaptation['head'],
    summary: HeadSummary,
    site: string,
    headNumber: number,
  ): Promise<string>;
  /**
   * The loaded model with a site head folded in: a new version to keep and load. Refused with the reason
   * when the head file is damaged or was fitted on another base model.
   */
  adaptedModel(headFile: string): Promise<ModelFolderFiles>;
  cancel(jobId: string): void;
  /** Live tensor count, for leak checks. */
  tensorCount(): number;
  dispose(): Promise<void>;
}
