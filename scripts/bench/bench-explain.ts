// Prints classify latency with and without heat maps (same model, same frames, interleaved runs) on WASM in Node.
// Usage: npx tsx scripts/bench/bench-explain.ts [--model DIR] [--frames 24] [--rounds 3]
import { parseArgs } from 'node:util';
import { FrameClassifier } from '../../src/inference/classifier';
import { defaultModelDir, modelFolderSource, useWasmBackendInNode } from '../../node';
import { heldOutPhantom } from '../gate/gateRates';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    frames: { type: 'string', default: '24' },
    rounds: { type: 'string', default: '3' },
  },
});
await useWasmBackendInNode();
const classifier = new FrameClassifier();
const info = await classifier.load(await modelFolderSource(values.model ?? defaultModelDir()), 'wasm');
const frames = Array.from({ length: Number(values.frames) }, (_, i) => heldOutPhantom(i));
await classifier.classify(frames.slice(0, 4));
const times: Record<'with' | 'without', number[]> = { with: [], without: [] };
const model: Record<'with' | 'without', number[]> = { with: [], without: [] };
for (let round = 0; round < Number(values.rounds); round++) {
  for (const mode of ['without', 'with'] as const) {
    const t0 = performance.now();
    const outcomes = await classifier.classify(frames, { explain: mode === 'with' });
    times[mode].push((performance.now() - t0) / frames.length);
    const ok = outcomes.filter((o) => o.ok);
    model[mode].push(ok.reduce((a, o) => a + (o.ok ? o.result.inferenceMs : 0), 0) / Math.max(1, ok.length));
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
console.log(
  `${info.metadata.id}@${info.metadata.version} on ${info.backend}, ${frames.length} frames × ${values.rounds} rounds (median):`,
);
for (const mode of ['without', 'with'] as const) {
  console.log(
    `  ${mode} heat maps: ${median(times[mode]).toFixed(1)} ms/frame end to end, model run + read-back ${median(model[mode]).toFixed(1)} ms/frame`,
  );
}
