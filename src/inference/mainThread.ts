// The page-side engine, loaded on demand only when the worker cannot reach a GPU but the page can (Safari).
import { FrameClassifier } from './classifier';
import { configureBundledWasm } from './wasmAssets';

export function createMainThreadClassifier(): FrameClassifier {
  configureBundledWasm({ threads: false });
  return new FrameClassifier();
}
