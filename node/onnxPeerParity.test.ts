// Parity of the exporter's ONNX files (the performance peer) on onnxruntime-web WASM in Node against PyTorch.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compareProbabilities,
  findGoldens,
  goldenPath,
  readExpectations,
  readFloat32,
} from './parityGoldens';

const BATCH = 8;
const TOLERANCE = 1e-4;
const goldens = findGoldens();

if (!goldens.ok) {
  describe('ONNX peer parity', () => {
    it('needs the parity goldens', () => {
      throw new Error(goldens.message);
    });
  });
} else {
  describe('ONNX peer parity on onnxruntime-web WASM (Node)', () => {
    beforeAll(() => {
      // One thread, like the TF.js side of these tests; the ONNX file takes NHWC like the graph model.
      ort.env.wasm.numThreads = 1;
    });

    for (const net of goldens.manifest.nets) {
      it(`${net.name}: model.onnx matches PyTorch on every golden input`, async () => {
        const session = await ort.InferenceSession.create(goldenPath(net.onnx), {
          executionProviders: ['wasm'],
        });
        try {
          expect(session.inputNames).toEqual(['input']);
          expect(session.outputNames).toEqual(['probs']);
          const frame = net.height * net.width * 3;
          const inputs = readFloat32(net.inputs);
          const probs: number[][] = [];
          for (let start = 0; start < net.inputCount; start += BATCH) {
            const count = Math.min(BATCH, net.inputCount - start);
            const x = new ort.Tensor('float32', inputs.slice(start * frame, (start + count) * frame), [
              count,
              net.height,
              net.width,
              3,
            ]);
            const out = (await session.run({ input: x })).probs;
            expect(out?.dims).toEqual([count, net.classes.length]);
            const data = out!.data as Float32Array;
            for (let i = 0; i < count; i++) {
              probs.push(Array.from(data.subarray(i * net.classes.length, (i + 1) * net.classes.length)));
            }
          }
          const expectations = readExpectations(net);
          const c = compareProbabilities(probs, expectations.torchProbs, expectations.top2Margin);
          console.info(
            `${net.name} ONNX vs PyTorch: max |Δprob| ${c.maxAbsDiff.toExponential(2)}, ` +
              `top-1 agreement ${c.top1Agree}/${c.decisive} (margin > 1e-3)`,
          );
          expect(c.decisive).toBeGreaterThan(net.inputCount / 2);
          expect(c.maxAbsDiff).toBeLessThanOrEqual(TOLERANCE);
          expect(c.top1Agree).toBe(c.decisive);
        } finally {
          await session.release();
        }
      }, 600_000);
    }
  });
}
