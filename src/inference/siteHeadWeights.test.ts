// The head read from the weights is the one the model runs, and a folded site head is the one the new model runs.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASS_IDS, greyToRgba, metadataFromModelJson } from '../core';
import { makeTestFrame } from '../synth';
import { headBody, headProbabilities, writeSiteHead, readSiteHead, type ClassifierHead } from '../core/adapt';
import { FrameClassifier } from './classifier';
import { foldSiteHead, readClassifierHead, weightsHash, type GraphModelFiles } from './siteHeadWeights';
import { useWasmBackendInNode } from '../../node';
import { SITE_HEAD_SUMMARY } from '../../tests/helpers/siteHead';

const fixtureDir = join(import.meta.dirname, '..', '..', 'public', 'models', 'fixture-tiny');
const sha256 = async (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function fixtureFiles(): GraphModelFiles {
  const bin = readFileSync(join(fixtureDir, 'group1-shard1of1.bin'));
  return {
    modelJson: JSON.parse(readFileSync(join(fixtureDir, 'model.json'), 'utf8')) as Record<string, unknown>,
    shards: { 'group1-shard1of1.bin': bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) },
  };
}

const source = (files: GraphModelFiles) => ({
  kind: 'files' as const,
  label: 'test',
  modelJson: JSON.stringify(files.modelJson),
  shards: files.shards,
});

function scans() {
  return [3, 8, 13].map((seed) => ({
    name: `scan${seed}`,
    pixels: greyToRgba(
      makeTestFrame({
        width: 320,
        height: 240,
        seed,
        shape: 'convex',
        area: { x: 60, y: 20, width: 200, height: 200 },
        chrome: true,
        fluid: seed === 8,
      }).frame,
    ),
  }));
}

async function run(files: GraphModelFiles) {
  const classifier = new FrameClassifier();
  const info = await classifier.load(source(files), 'wasm');
  const outcomes = await classifier.classify(scans(), { pooledFeatures: true, explain: false });
  await classifier.dispose();
  return {
    info,
    results: outcomes.map((o) => {
      if (!o.ok) throw new Error(o.message);
      return o.result;
    }),
  };
}

describe('site head in the model weights (fixture model, WASM)', () => {
  beforeAll(async () => {
    await useWasmBackendInNode();
  }, 60_000);

  it('reads the classifier head the model runs: softmax(pooled · kernel + bias) equals its probabilities', async () => {
    const files = fixtureFiles();
    const head = readClassifierHead(files);
    expect([head.features, head.classes]).toEqual([16, 4]);
    const { results } = await run(files);
    for (const r of results) {
      const p = headProbabilities(head, Float32Array.from(r.pooledFeatures!));
      CLASS_IDS.forEach((id, k) => expect(Math.abs(p[k]! - r.probabilities[id])).toBeLessThan(1e-5));
    }
  }, 120_000);

  it('folds a site head into a new version that runs exactly that head and keeps every other weight', async () => {
    const base = fixtureFiles();
    const shipped = readClassifierHead(base);
    // A head that leans hard towards pleural effusion: every frame's top sign must follow it.
    const leaning: ClassifierHead = {
      ...shipped,
      kernel: Float32Array.from(shipped.kernel),
      bias: Float32Array.from(shipped.bias),
    };
    leaning.bias[2]! += 50;
    const baseId = { id: 'fixture-tiny', version: '1.0.0', weightsHash: await weightsHash(base) };
    const text = await writeSiteHead(headBody(leaning, baseId, 1, 'Ward 7', SITE_HEAD_SUMMARY), sha256);
    const file = await readSiteHead(text, sha256, { ...baseId, features: 16 });
    const adapted = foldSiteHead(base, file);

    const checked = metadataFromModelJson(adapted.modelJson);
    if (!checked.ok) throw new Error(checked.message);
    expect(checked.metadata.version).toBe('1.0.0+site1');
    expect(checked.metadata.displayName).toMatch(/site head 1 \(Ward 7\)/);
    const baseMeta = metadataFromModelJson(base.modelJson);
    if (!baseMeta.ok) throw new Error(baseMeta.message);
    expect(checked.metadata.gate).toEqual(baseMeta.metadata.gate);
    expect(readClassifierHead(adapted).bias).toEqual(leaning.bias);

    const before = await run(base);
    const after = await run(adapted);
    expect(after.info.metadata.version).toBe('1.0.0+site1');
    after.results.forEach((r, i) => {
      expect(r.top).toBe('pleural_effusion');
      expect(r.modelVersion).toBe('1.0.0+site1');
      // The features are the base model's, bit for bit: only the head changed.
      expect(r.pooledFeatures).toEqual(before.results[i]!.pooledFeatures);
      const p = headProbabilities(leaning, Float32Array.from(r.pooledFeatures!));
      CLASS_IDS.forEach((id, k) => expect(Math.abs(p[k]! - r.probabilities[id])).toBeLessThan(1e-5));
    });
  }, 180_000);

  it('refuses a head that does not fit the classifier', async () => {
    const base = fixtureFiles();
    const small: ClassifierHead = {
      features: 8,
      classes: 4,
      kernel: new Float32Array(32),
      bias: new Float32Array(4),
    };
    const baseId = { id: 'fixture-tiny', version: '1.0.0', weightsHash: 'x' };
    const file = await readSiteHead(
      await writeSiteHead(headBody(small, baseId, 1, '', SITE_HEAD_SUMMARY), sha256),
      sha256,
    );
    expect(() => foldSiteHead(base, file)).toThrow(/does not fit this model's classifier/);
  });
});
