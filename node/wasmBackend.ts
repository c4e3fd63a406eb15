// Sets up TF.js's WASM backend in Node (single-threaded), the engine the command line and parity tests use.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let ready: Promise<void> | null = null;

/** Folder holding tfjs-backend-wasm's .wasm binaries, with a trailing separator as setWasmPaths wants. */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return (
    path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep
  );
}

/**
 * Makes WASM the active TF.js backend. Single-threaded on purpose: the threaded build spawns workers that
 * Node keeps alive, and a batch job on a shared machine should take one core. Safe to call repeatedly.
 */
export function useWasmBackendInNode(): Promise<void> {
  ready ??= (async () => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths(wasmBinaryDir());
    if (!(await tf.setBackend('wasm'))) {
      throw new Error(
        `the TF.js WASM backend did not start; its binaries were looked for in ${wasmBinaryDir()}`,
      );
    }
    await tf.ready();
  })();
  return ready;
}
