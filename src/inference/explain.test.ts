// Heat maps and the input gate on the public classify path: one model execution per batch, CAM equal to a plain-array reference, verdicts on every result, no leaks.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASS_IDS, classActivations, greyToRgba, heatMapFrameRect, validateModelMetadata } from '../core';
import { generateNegativeFrame, generatePhantom } from '../synth';
import { FrameClassifier } from './classifier';
import { useWasmBackendInNode } from '../../node';

const fixtureDir = join(import.meta.dirname, '..', '..', 'public', 'models', 'fixture-tiny');

function fixtureSource(edit?: (modelJson: Record<string, unknown>) => void) {
  const bin = readFileSync(join(fixtureDir, 'group1-shard1of1.bin'));
  const modelJson = JSON.parse(readFileSync(join(fixtureDir, 'model.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  edit?.(modelJson);
  return {
    kind: 'files' as const,
    label: 'fixture-tiny',
    modelJson: JSON.stringify(modelJson),
    shards: { 'group1-shard1of1.bin': bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) },
  };
}

function phantom(seed: number) {
  const p = generatePhantom({ classId: CLASS_IDS[seed % 4]!, width: 256, height: 192, seed });
  return { pixels: greyToRgba(p.image), name: `phantom-${seed}` };
}

describe('heat maps and the input gate (fixture model, WASM in Node)', () => {
  const classifier = new FrameClassifier();
  beforeAll(async () => {
    await useWasmBackendInNode();
    await classifier.load(fixtureSource(), 'wasm');
  }, 60_000);

  it('computes heat maps and the gate in the same single model execution per batch', async () => {
    const frames = [1, 2, 3].map(phantom);
    const before = classifier.executionCount();
    const outcomes = await classifier.classify(frames);
    // The fixture's WASM batch holds 4 frames: three frames are one execution, heat maps and gate included.
    expect(classifier.executionCount() - before).toBe(1);
    for (const o of outcomes) {
      expect(o.ok).toBe(true);
      if (!o.ok) continue;
      expect(o.result.heatMap).toBeDefined();
      expect(o.result.heatMap!.width).toBe(16);
      expect(o.result.heatMap!.values.length).toBe(16 * 16 * 4);
      expect(o.result.gate).toBeDefined();
    }
    const nine = Array.from({ length: 9 }, (_, i) => phantom(10 + i));
    const b2 = classifier.executionCount();
    await classifier.classify(nine);
    expect(classifier.executionCount() - b2).toBe(3);
  });

  it('gives the same CAM as features × classifier kernel computed on plain arrays', async () => {
    const frame = phantom(4);
    const [outcome] = await classifier.classify([frame]);
    expect(outcome?.ok).toBe(true);
    if (!outcome?.ok) return;
    // Reference: run the graph for its feature map alone and multiply on the CPU in float64.
    const model = (await import('../../node')).loadGraphModelFromDir;
    const loaded = await model(fixtureDir);
    const { prepareModelInput, rgbaToGrey } = await import('../core');
    const checked = validateModelMetadata(
      (loaded.modelJson as { userDefinedMetadata: { lusSigns: unknown } }).userDefinedMetadata.lusSigns,
    );
    if (!checked.ok) throw new Error(checked.message);
    const { data } = prepareModelInput(rgbaToGrey(frame.pixels), outcome.result.crop, checked.metadata.input);
    const features = tf.tidy(() =>
      (loaded.model.execute(tf.tensor4d(data, [1, 64, 64, 3]), 'features') as tf.Tensor).dataSync(),
    );
    const kernel = loaded.model.weights['head/kernel']![0]!.dataSync();
    const reference = classActivations(features, kernel, 16 * 16, 16, 4);
    let maxDiff = 0;
    let maxRef = 0;
    reference.forEach((v, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - outcome.result.heatMap!.values[i]!));
      maxRef = Math.max(maxRef, Math.abs(v));
    });
    expect(maxRef).toBeGreaterThan(0);
    expect(maxDiff / maxRef).toBeLessThan(1e-5);
    loaded.model.dispose();
  });

  it('aligns the heat map with the crop: the content rectangle maps back onto the crop exactly', async () => {
    const [outcome] = await classifier.classify([phantom(5)]);
    if (!outcome?.ok) throw new Error('expected a result');
    const { heatMap, crop } = outcome.result;
    const rect = heatMapFrameRect(heatMap!, crop);
    const sx = rect.width / heatMap!.inputWidth;
    expect(rect.x + heatMap!.content.x * sx).toBeCloseTo(crop.x, 6);
    expect(rect.x + (heatMap!.content.x + heatMap!.content.width) * sx).toBeCloseTo(crop.x + crop.width, 6);
  });

  it('puts a verdict on every result and refuses a colour photograph and a Doppler frame, saying why', async () => {
    const photo = { pixels: generateNegativeFrame('colour-photo', 256, 192, 3), name: 'photo' };
    const doppler = { pixels: generateNegativeFrame('colour-doppler', 256, 192, 4), name: 'doppler' };
    const [a, b, c] = await classifier.classify([photo, doppler, phantom(6)]);
    expect(a?.ok && a.result.gate).toMatchObject({ pass: false, reason: 'colour-photo' });
    expect(b?.ok && b.result.gate).toMatchObject({
      pass: false,
      reason: 'colour-doppler',
      message: 'Colour overlay present; freeze a plain B-mode frame.',
    });
    expect(c?.ok && c.result.gate?.pass).toBe(true);
    // The fixture has no gate statistics: the verdict says the model part did not take part.
    expect(c?.ok && c.result.gate?.modelChecked).toBe(false);
  });

  it('leaks no tensors over 20 classify calls with heat maps', async () => {
    await classifier.classify([phantom(7)]);
    const before = classifier.tensorCount();
    for (let i = 0; i < 20; i++) await classifier.classify([phantom(8)]);
    expect(classifier.tensorCount()).toBe(before);
  });

  it('still works, and says so, with a model that has no feature-map output', async () => {
    const plain = new FrameClassifier();
    await plain.load(
      fixtureSource((json) => {
        const meta = (json.userDefinedMetadata as { lusSigns: Record<string, unknown> }).lusSigns;
        meta.outputs = { probabilities: 'probs' };
        delete meta.classifier;
      }),
      'wasm',
    );
    const [outcome] = await plain.classify([phantom(9)]);
    expect(outcome?.ok ? '' : outcome?.message).toBe('');
    if (!outcome?.ok) return;
    expect(outcome.result.heatMap).toBeUndefined();
    expect(outcome.result.heatMapNote).toBe('No heat map: this model has no feature-map output.');
    expect(outcome.result.gate?.pass).toBe(true);
    plain.dispose();
  });

  it('uses the model check when the metadata carries gate statistics with a threshold', async () => {
    const checked = new FrameClassifier();
    const gate = {
      kind: 'pooled-features',
      mean: Array.from({ length: 16 }, () => 0),
      variance: Array.from({ length: 16 }, () => 1),
      principalComponents: [Array.from({ length: 16 }, (_, i) => (i === 0 ? 1 : 0))],
      principalVariances: [1],
      residualVariance: 1e-9,
      threshold: 1,
    };
    await checked.load(
      fixtureSource((json) => {
        (json.userDefinedMetadata as { lusSigns: Record<string, unknown> }).lusSigns.gate = gate;
      }),
      'wasm',
    );
    const [outcome] = await checked.classify([phantom(11)]);
    if (!outcome?.ok) throw new Error('expected a result');
    // Tiny residual variance: any real feature vector is far away, so the model part refuses it.
    expect(outcome.result.gate).toMatchObject({ pass: false, reason: 'unfamiliar', modelChecked: true });
    expect(outcome.result.gate!.featureScore!).toBeGreaterThan(1);
    checked.dispose();
  });
});
