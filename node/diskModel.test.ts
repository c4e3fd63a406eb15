// Loading graph-model folders from disk: shards, quantised weights, metadata and the errors for broken folders.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_KEY } from '../src/core/model';
import {
  ModelFolderError,
  loadGraphModelFromDir,
  modelFolderSource,
  readGraphModelFolder,
  readModelFolderFiles,
  useWasmBackendInNode,
} from './index';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const dtFloat = { type: 'DT_FLOAT' };

// A four-class "model": probs = softmax(x · kernel + bias), the kernel stored as uint8, the bias as float32.
const KERNEL_Q = Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 255]);
const SCALE = 0.01;
const MIN = -0.5;
const BIAS = Float32Array.from([0.1, -0.2, 0.3, 0]);

const metadata = {
  schemaVersion: 1,
  id: 'tiny-fixture',
  version: '1.0.0',
  displayName: 'Tiny fixture',
  architecture: 'dense',
  isTestModel: true,
  classes: ['a_lines', 'b_lines', 'pleural_effusion', 'consolidation'],
  input: {
    name: 'input',
    height: 16,
    width: 16,
    channels: 3,
    colour: 'grey-replicated',
    aspect: 'pad',
    range: [0, 1],
    mean: [0.5, 0.5, 0.5],
    std: [0.25, 0.25, 0.25],
  },
  outputs: { probabilities: 'probs' },
  lowConfidenceThreshold: 0.5,
  provenance: { trainedOn: 'nothing', licence: 'test', createdAt: '2026-01-01T00:00:00Z' },
};

function modelJson(paths: string[], withMetadata = true): Record<string, unknown> {
  const node = (name: string, op: string, input: string[], attr: Record<string, unknown>) => ({
    name,
    op,
    input,
    attr,
  });
  return {
    format: 'graph-model',
    generatedBy: 'diskModel.test.ts',
    convertedBy: 'hand',
    modelTopology: {
      node: [
        {
          name: 'input',
          op: 'Placeholder',
          attr: { dtype: dtFloat, shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } } },
        },
        { name: 'kernel', op: 'Const', attr: { dtype: dtFloat } },
        { name: 'bias', op: 'Const', attr: { dtype: dtFloat } },
        node('mm', 'MatMul', ['input', 'kernel'], {
          T: dtFloat,
          transpose_a: { b: false },
          transpose_b: { b: false },
        }),
        node('logits', 'BiasAdd', ['mm', 'bias'], { T: dtFloat, data_format: { s: b64('NHWC') } }),
        node('probs', 'Softmax', ['logits'], { T: dtFloat }),
      ],
      library: {},
      versions: { producer: 1, minConsumer: 0 },
    },
    signature: {
      inputs: { 'input:0': { name: 'input:0', dtype: 'DT_FLOAT' } },
      outputs: { 'probs:0': { name: 'probs:0', dtype: 'DT_FLOAT' } },
    },
    userDefinedMetadata: withMetadata ? { [METADATA_KEY]: metadata } : {},
    weightsManifest: [
      {
        paths,
        weights: [
          {
            name: 'kernel',
            shape: [3, 4],
            dtype: 'float32',
            quantization: { dtype: 'uint8', min: MIN, scale: SCALE },
          },
          { name: 'bias', shape: [4], dtype: 'float32' },
        ],
      },
    ],
  };
}

const weightBytes = Buffer.concat([Buffer.from(KERNEL_Q), Buffer.from(BIAS.buffer)]);

let root = '';
let counter = 0;

/** Writes a model folder with the given shard contents, named as exporters name them unless names are given. */
function writeModel(
  options: { json?: Record<string, unknown>; shards?: Buffer[]; names?: string[] } = {},
): string {
  const dir = path.join(root, `model-${counter++}`);
  const shards = options.shards ?? [weightBytes];
  const names = options.names ?? shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`);
  mkdirSync(dir);
  shards.forEach((bytes, i) => writeFileSync(path.join(dir, names[i]!), bytes));
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(options.json ?? modelJson(names)));
  return dir;
}

function expectedProbs(x: number[]): number[] {
  const logits = [0, 1, 2, 3].map((c) => {
    let sum = BIAS[c]!;
    for (let r = 0; r < 3; r++) sum += x[r]! * (KERNEL_Q[r * 4 + c]! * SCALE + MIN);
    return sum;
  });
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

describe('loadGraphModelFromDir', () => {
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'lus-disk-model-'));
    await useWasmBackendInNode();
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // Equal shards with a shorter last one (as exporters write them), and uneven shards that TF.js itself
  // would misread; in both the uint8 kernel spans a shard boundary.
  it.each([
    ['equal shards', [10, 10, 8]],
    ['uneven shards', [5, 23]],
  ])('loads a quantised model from %s and computes with the decoded weights', async (_label, sizes) => {
    const shards: Buffer[] = [];
    let offset = 0;
    for (const size of sizes) {
      shards.push(weightBytes.subarray(offset, offset + size));
      offset += size;
    }
    const dir = writeModel({ shards });
    const before = tf.memory().numTensors;
    const loaded = await loadGraphModelFromDir(dir);
    expect(tf.getBackend()).toBe('wasm');
    expect(loaded.weightBytes).toBe(weightBytes.length);
    expect(loaded.metadata?.id).toBe('tiny-fixture');
    const x = [
      [1, 2, 3],
      [-1, 0.5, 0],
    ];
    const out = tf.tidy(
      () => loaded.model.execute(tf.tensor2d(x), loaded.metadata!.outputs.probabilities) as tf.Tensor,
    );
    const got = (await out.array()) as number[][];
    out.dispose();
    x.forEach((row, i) => {
      expectedProbs(row).forEach((p, c) => expect(got[i]![c]).toBeCloseTo(p, 6));
    });
    loaded.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a model without LUS Signs metadata unless asked not to', async () => {
    const names = ['group1-shard1of1.bin'];
    const dir = writeModel({ json: modelJson(names, false), shards: [weightBytes] });
    await expect(loadGraphModelFromDir(dir)).rejects.toThrow(/userDefinedMetadata\.lusSigns/);
    const loaded = await loadGraphModelFromDir(dir, { requireMetadata: false });
    expect(loaded.metadata).toBeNull();
    loaded.model.dispose();
  });

  it('reads a folder whole as the worker takes it: each shard by its manifest name, the gate patched in memory', async () => {
    const names = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
    const json = modelJson(names);
    json.userDefinedMetadata = { [METADATA_KEY]: { ...metadata, gate: { threshold: 0.5 } } };
    const dir = writeModel({ json, shards: [weightBytes.subarray(0, 10), weightBytes.subarray(10)], names });
    const files = await readModelFolderFiles(dir);
    expect(Object.keys(files.shards)).toEqual(names);
    expect(Buffer.concat(names.map((n) => Buffer.from(files.shards[n]!)))).toEqual(weightBytes);
    const source = await modelFolderSource(dir, (gate) => {
      gate.threshold = 0.25;
    });
    expect(source).toMatchObject({ kind: 'files', label: dir, shards: files.shards });
    const gateOf = (text: string) =>
      (JSON.parse(text) as { userDefinedMetadata: Record<string, { gate: { threshold: number } }> })
        .userDefinedMetadata[METADATA_KEY]!.gate.threshold;
    expect(gateOf(source.modelJson)).toBe(0.25);
    expect(gateOf(readFileSync(path.join(dir, 'model.json'), 'utf8'))).toBe(0.5);
  });

  it('names a missing shard', async () => {
    const json = modelJson(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    const dir = writeModel({ json, shards: [weightBytes.subarray(0, 5)], names: ['group1-shard1of2.bin'] });
    await expect(readGraphModelFolder(dir)).rejects.toThrow(/cannot read weight shard group1-shard2of2\.bin/);
  });

  it('refuses shards that do not add up to the manifest', async () => {
    const json = modelJson(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    const dir = writeModel({ json, shards: [weightBytes.subarray(0, 5), weightBytes.subarray(5, 20)] });
    await expect(readGraphModelFolder(dir)).rejects.toThrow(
      new ModelFolderError(
        dir,
        `the weights manifest describes ${weightBytes.length} bytes but the shards hold 20: the folder is incomplete or mixed`,
      ),
    );
  });

  it('never follows a shard path out of the folder', async () => {
    const dir = writeModel({ json: modelJson(['../group1-shard1of1.bin']), shards: [weightBytes] });
    await expect(readGraphModelFolder(dir)).rejects.toThrow(/is not a plain file name/);
  });

  it('says when the folder or model.json is not a graph model', async () => {
    await expect(loadGraphModelFromDir(path.join(root, 'nowhere'))).rejects.toThrow(/is not a folder/);
    const dir = writeModel({ json: { format: 'layers-model', modelTopology: {} } });
    await expect(readGraphModelFolder(dir)).rejects.toThrow(/not a TF\.js graph model/);
  });
});
