// Points TF.js's WASM backend at the binaries bundled with the app (no CDN), in the worker or the page.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export function configureBundledWasm(): void {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  // The threaded build's pthread workers are started from a Blob made of the backend's own source, which
  // breaks once the bundler minifies it ("e is not defined") and the backend then never answers. Until
  // that is fixed, WASM runs single-threaded (SIMD) even when the page is cross-origin isolated.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}
