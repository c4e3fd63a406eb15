// Starts an inference worker thread and hands back its InferenceApi: the command line's side of the one worker contract.

import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { InferenceApi } from '../src/inference/api';

export interface InferenceThread {
  /** The worker's API, typed as the browser worker's: the same calls, the same results. */
  api: Comlink.Remote<InferenceApi>;
  /**
   * Settles a call against the thread's life: a thread that crashes or exits mid-call rejects it with the
   * reason instead of leaving it pending forever (Comlink answers only messages, never a death).
   */
  call<T>(pending: Promise<T>): Promise<T>;
  /** Disposes the model and ends the thread. */
  close(): Promise<void>;
}

export function startInferenceThread(): InferenceThread {
  // Node 20 ignores `--import tsx` in a worker's execArgv: register tsx inside the worker, then load it.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const workerUrl = new URL('./inferenceWorker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); });`;
  const worker = new Worker(bootstrap, { eval: true });
  let closing = false;
  const died = new Promise<never>((_, reject) => {
    worker.once('error', (error) => reject(new Error(`the worker thread crashed: ${error.message}`)));
    worker.once('exit', (code) => {
      if (!closing) reject(new Error(`the worker thread exited (code ${code}) in the middle of its work`));
    });
  });
  // Observed by `call`; without a handler here an early death would be an unhandled rejection.
  died.catch(() => {});
  const api = Comlink.wrap<InferenceApi>(nodeEndpoint(worker));
  return {
    api,
    call: (pending) => Promise.race([pending, died]),
    async close() {
      closing = true;
      await Promise.race([api.dispose(), died]).catch(() => {});
      api[Comlink.releaseProxy]();
      await worker.terminate();
    },
  };
}
