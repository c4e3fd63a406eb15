// Per-kernel profile of one model run on the active backend (benchmarks only: where the time goes).
import * as tf from '@tensorflow/tfjs';
import { readModelArtifacts } from './modelArtifacts';

export interface KernelShare {
  /** Kernel name, convolutions split by filter size: "FusedConv2D 3×3". */
  op: string;
  calls: number;
  ms: number;
}

/**
 * Loads the graph model at `url` on the active backend (the caller has chosen it), runs `input` once to
 * warm up, then once under tf.profile, and sums kernel times by op. Disposes everything it made.
 */
export async function profileGraphModel(
  url: string,
  inputName: string,
  output: string,
  shape: [number, number, number, number],
  data: Float32Array,
): Promise<{ backend: string; totalMs: number; kernels: KernelShare[] }> {
  // Through the app's own reader: tf.loadGraphModel(url) never settled inside a module worker here.
  const { artifacts } = await readModelArtifacts({ kind: 'url', url });
  const model = await tf.loadGraphModel({ load: async () => artifacts });
  const x = tf.tensor4d(data, shape);
  try {
    const warm = model.execute({ [inputName]: x }, output) as tf.Tensor;
    await warm.data();
    warm.dispose();
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      const out = model.execute({ [inputName]: x }, output) as tf.Tensor;
      await out.data();
      return out;
    });
    const totalMs = performance.now() - t0;
    const byOp = new Map<string, KernelShare>();
    for (const k of info.kernels) {
      // "fusedConv2d__op" and the like are op scopes around the kernels they run: counted there.
      if (k.name.endsWith('__op')) continue;
      const filter = k.inputShapes[1];
      const op =
        k.name.includes('Conv2D') && filter && filter.length === 4
          ? `${k.name} ${filter[0]}×${filter[1]}`
          : k.name;
      const entry = byOp.get(op) ?? { op, calls: 0, ms: 0 };
      entry.calls += 1;
      entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      byOp.set(op, entry);
    }
    tf.dispose(info.result as tf.Tensor);
    return { backend: tf.getBackend(), totalMs, kernels: [...byOp.values()].sort((a, b) => b.ms - a.ms) };
  } finally {
    x.dispose();
    model.dispose();
  }
}
