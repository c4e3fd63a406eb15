// Points TF.js's WASM backend at the binaries bundled with the app (no CDN) and decides whether it may use threads.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/**
 * Emscripten starts a pool of 8 pthread workers with the module; a thread pool larger than that would wait
 * for workers that start asynchronously, which a blocked WASM thread never lets happen.
 */
const PTHREAD_POOL_SIZE = 8;

/** Whether this context may run the threaded build: shared memory needs cross-origin isolation. */
export function wasmThreadsAllowed(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

/**
 * @param threads false keeps WASM single-threaded even where it could use threads: the page's own engine
 *   (a GPU fallback) uses it, where Emscripten's pthreads would busy-wait on the UI thread. A number asks
 *   for that many threads (benchmarks; 1 is the single-threaded SIMD build the app used before).
 */
export function configureBundledWasm({ threads = true }: { threads?: boolean | number } = {}): void {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  // The threaded build's pthread workers run a Blob made of the backend's own factory; vite.config.ts's
  // tfjsWasmThreadsSurviveBundling keeps that factory self-contained after minification. Without
  // isolation (a host that cannot send COOP/COEP) there is no SharedArrayBuffer: one thread, said plainly
  // rather than left to TF.js's own probe.
  // Left at its default the backend uses half the logical cores (one thread on a 2-core tablet). The
  // calling thread is one of the pool, so every core; vite.config.ts lifts the backend's own cap.
  const count =
    typeof threads === 'number' ? threads : threads ? Math.max(1, navigator.hardwareConcurrency || 1) : 1;
  const threaded = count > 1 && wasmThreadsAllowed();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded);
  if (threaded) setThreadsCount(Math.min(PTHREAD_POOL_SIZE, count));
}
