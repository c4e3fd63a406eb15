// The UI side of the worker boundary: starts the inference worker and turns AbortSignals into cancel calls.

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

export class InferenceClient {
  private readonly worker: Worker;
  private readonly remote: Comlink.Remote<InferenceApi>;
  private jobCounter = 0;

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'lus-inference',
    });
    this.remote = Comlink.wrap<InferenceApi>(this.worker);
  }

  load(source: ModelSource, preference: BackendPreference): Promise<LoadedModelInfo> {
    return this.remote.load(source, preference);
  }

  async classify(frames: FrameInput[], signal?: AbortSignal): Promise<FrameOutcome[]> {
    const options: ClassifyOptions = {};
    let onAbort: (() => void) | undefined;
    if (signal) {
      if (signal.aborted) throw new DOMException('Cancelled', 'AbortError');
      options.jobId = `job-${++this.jobCounter}`;
      const jobId = options.jobId;
      onAbort = () => void this.remote.cancel(jobId);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    try {
      const transfer = frames.flatMap((f) => (f.pixels ? [f.pixels.data.buffer] : []));
      return await this.remote.classify(Comlink.transfer(frames, transfer as Transferable[]), options);
    } finally {
      if (signal && onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  tensorCount(): Promise<number> {
    return this.remote.tensorCount();
  }

  terminate(): void {
    this.worker.terminate();
  }
}
