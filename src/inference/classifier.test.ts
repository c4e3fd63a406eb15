// The public classify path in Node on WASM: results are well-formed, bad frames are named, and no tensor leaks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { greyToRgba } from '../core';
import { makeTestFrame } from '../synth';
import { FrameClassifier } from './classifier';
import { useWasmBackendInNode } from '../../node';

const fixtureDir = join(import.meta.dirname, '..', '..', 'public', 'models', 'fixture-tiny');

function fixtureSource() {
  const bin = readFileSync(join(fixtureDir, 'group1-shard1of1.bin'));
  return {
    kind: 'files' as const,
    label: 'fixture-tiny',
    modelJson: readFileSync(join(fixtureDir, 'model.json'), 'utf8'),
    shards: { 'group1-shard1of1.bin': bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) },
  };
}

function scan(seed: number) {
  const { frame } = makeTestFrame({
    width: 320,
    height: 240,
    seed,
    shape: 'convex',
    area: { x: 60, y: 20, width: 200, height: 200 },
    chrome: true,
    fluid: false,
  });
  return greyToRgba(frame);
}

describe('FrameClassifier on WASM in Node', () => {
  const classifier = new FrameClassifier();
  beforeAll(async () => {
    await useWasmBackendInNode();
    const info = await classifier.load(fixtureSource(), 'wasm');
    expect(info.backend).toBe('wasm');
    expect(info.metadata.id).toBe('fixture-tiny');
  });

  it('returns probabilities summing to 1 with model id, version and backend', async () => {
    const [outcome] = await classifier.classify([{ pixels: scan(1), name: 'scan' }]);
    expect(outcome?.ok).toBe(true);
    if (!outcome?.ok) return;
    const sum = Object.values(outcome.result.probabilities).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 4);
    expect(outcome.result).toMatchObject({
      backend: 'wasm',
      modelId: 'fixture-tiny',
      modelVersion: '1.0.0',
      cropDetected: true,
    });
  });

  it('names a blank frame and still classifies the good frames in the same batch', async () => {
    const blank = { width: 100, height: 100, data: new Uint8ClampedArray(100 * 100 * 4).fill(255) };
    const outcomes = await classifier.classify([
      { pixels: scan(2), name: 'a' },
      { pixels: blank, name: 'blank' },
      { pixels: scan(3), name: 'b' },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    const bad = outcomes[1]!;
    if (!bad.ok) expect(bad.code).toBe('uniform');
  });

  it('gives the same answer for the same frame, batched or alone', async () => {
    const alone = await classifier.classify([{ pixels: scan(4) }]);
    const batched = await classifier.classify([
      { pixels: scan(5) },
      { pixels: scan(4) },
      { pixels: scan(6) },
    ]);
    const a = alone[0]!;
    const b = batched[1]!;
    if (!a.ok || !b.ok) throw new Error('expected results');
    for (const id of Object.keys(a.result.probabilities) as Array<keyof typeof a.result.probabilities>) {
      expect(Math.abs(a.result.probabilities[id] - b.result.probabilities[id])).toBeLessThan(1e-5);
    }
  });

  it('leaks no tensors over 20 classifications', async () => {
    await classifier.classify([{ pixels: scan(7) }]);
    const before = classifier.tensorCount();
    for (let i = 0; i < 20; i++) await classifier.classify([{ pixels: scan(10 + i) }]);
    expect(classifier.tensorCount()).toBe(before);
  });
});
