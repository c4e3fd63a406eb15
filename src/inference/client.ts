// The UI side of the worker boundary: starts the inference worker, turns AbortSignals into cancel calls, and
// moves to a page-side GPU only when the worker has none and the page's GPU is much faster.

import * as Comlink from 'comlink';
import type {
  BackendPreference,
  ClassifyOptions,
  FrameInput,
  FrameOutcome,
  InferenceApi,
  LoadedModelInfo,
  ModelSource,
} from './api';
import type { FrameClassifier } from './classifier';

/** The page's GPU must beat the worker by this factor to be worth running on the UI thread. */
const MAIN_THREAD_MIN_SPEEDUP = 2;
/** …and one model run there must stay short, so the interface never freezes for long. */
const MAIN_THREAD_MAX_RUN_MS = 100;

export class InferenceClient {
  private readonly worker: Worker;
  private readonly remote: Comlink.Remote<InferenceApi>;
  private main: FrameClassifier | null = null;
  private jobCounter = 0;

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'lus-inference',
    });
    this.remote = Comlink.wrap<InferenceApi>(this.worker);
  }

  async load(source: ModelSource, preference: BackendPreference): Promise<LoadedModelInfo> {
    const info = await this.remote.load(source, preference);
    const forced = new URLSearchParams(globalThis.location?.search ?? '').get('engine') === 'main';
    // Safari cannot use WebGL inside a worker: when the worker found no GPU at all, see whether the page can.
    const workerHasNoGpu = info.probes.every((p) => p.backend === 'wasm' || !p.available);
    if (forced || (preference === 'auto' && info.backend === 'wasm' && workerHasNoGpu)) {
      const main = await this.tryMainThread(source, preference, info, forced);
      if (main) return main;
    } else {
      this.releaseMain();
    }
    return info;
  }

  private async tryMainThread(
    source: ModelSource,
    preference: BackendPreference,
    workerInfo: LoadedModelInfo,
    forced: boolean,
  ): Promise<LoadedModelInfo | null> {
    try {
      const { createMainThreadClassifier } = await import('./mainThread');
      const candidate = this.main ?? createMainThreadClassifier();
      const info = await candidate.load(source, preference);
      const worthIt =
        info.backend !== 'wasm' &&
        info.medianRunMs * MAIN_THREAD_MIN_SPEEDUP <= workerInfo.medianRunMs &&
        info.medianRunMs <= MAIN_THREAD_MAX_RUN_MS;
      if (forced || worthIt) {
        this.main = candidate;
        return { ...info, context: 'main-thread' };
      }
      candidate.dispose();
      this.main = null;
    } catch {
      // The worker's WASM result stands; a page-side GPU is only an optimisation.
      this.releaseMain();
    }
    return null;
  }

  private releaseMain(): void {
    this.main?.dispose();
    this.main = null;
  }

  async classify(
    frames: FrameInput[],
    signal?: AbortSignal,
    extra: Pick<ClassifyOptions, 'pooledFeatures' | 'explain'> = {},
  ): Promise<FrameOutcome[]> {
    const options: ClassifyOptions = { ...extra };
    let onAbort: (() => void) | undefined;
    const target = this.main;
    if (signal) {
      if (signal.aborted) throw new DOMException('Cancelled', 'AbortError');
      options.jobId = `job-${++this.jobCounter}`;
      const jobId = options.jobId;
      onAbort = () => (target ? target.cancel(jobId) : void this.remote.cancel(jobId));
      signal.addEventListener('abort', onAbort, { once: true });
    }
    try {
      if (target) return await target.classify(frames, options);
      const transfer = frames.flatMap((f) => (f.pixels ? [f.pixels.data.buffer] : []));
      return await this.remote.classify(Comlink.transfer(frames, transfer as Transferable[]), options);
    } finally {
      if (signal && onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  /** Site adaptation runs in the worker, which always holds the model in use (see InferenceApi). */
  adaptHead(...args: Parameters<InferenceApi['adaptHead']>): ReturnType<InferenceApi['adaptHead']> {
    return this.remote.adaptHead(...args);
  }

  writeSiteHead(
    ...args: Parameters<InferenceApi['writeSiteHead']>
  ): ReturnType<InferenceApi['writeSiteHead']> {
    return this.remote.writeSiteHead(...args);
  }

  adaptedModel(headFile: string): ReturnType<InferenceApi['adaptedModel']> {
    return this.remote.adaptedModel(headFile);
  }

  tensorCount(): Promise<number> {
    return this.main ? Promise.resolve(this.main.tensorCount()) : this.remote.tensorCount();
  }

  terminate(): void {
    this.releaseMain();
    this.worker.terminate();
  }
}
