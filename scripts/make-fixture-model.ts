// Writes the tiny fixture graph model (public/models/fixture-tiny) used by tests: same contract, meaningless answers.
//
// Usage: npm run fixture:model [-- --out DIR]
// The bytes are deterministic (seeded weights, fixed metadata), so a test can regenerate and compare.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../src/domain/testFrames';
import { CLASS_IDS, METADATA_KEY, METADATA_SCHEMA_VERSION, type ModelMetadata } from '../src/domain';

const SIZE = 64;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (values: number[]) => ({ list: { i: values.map(String) } });
const FLOAT = { type: 'DT_FLOAT' };

interface Weight {
  name: string;
  shape: number[];
  values: Float32Array;
}

function heNormal(rand: () => number, shape: number[], fanIn: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const std = Math.sqrt(2 / fanIn);
  for (let i = 0; i < n; i++) {
    // Box–Muller; deterministic given the seed.
    const u = Math.max(1e-12, rand());
    const v = rand();
    out[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

export function buildFixtureModel(): { modelJson: object; weights: Buffer } {
  const rand = seededRandom(20261127);
  const weights: Weight[] = [];
  const addWeight = (name: string, shape: number[], values: Float32Array) =>
    weights.push({ name, shape, values });
  addWeight('block1/conv/weights', [3, 3, 3, 8], heNormal(rand, [3, 3, 3, 8], 27));
  addWeight('block1/conv/bias', [8], heNormal(rand, [8], 64));
  addWeight('block2/conv/weights', [3, 3, 8, 16], heNormal(rand, [3, 3, 8, 16], 72));
  addWeight('block2/conv/bias', [16], heNormal(rand, [16], 64));
  // A large head makes the probabilities depend visibly on the input, so backend comparisons mean something.
  addWeight('head/kernel', [16, 4], heNormal(rand, [16, 4], 1));
  addWeight('head/bias', [4], new Float32Array([0.1, -0.1, 0.05, -0.05]));

  const conv = (name: string, input: string, w: string, b: string) => ({
    name,
    op: '_FusedConv2D',
    input: [input, w, b],
    attr: {
      T: FLOAT,
      num_args: { i: '1' },
      fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } },
      strides: ints([1, 2, 2, 1]),
      dilations: ints([1, 1, 1, 1]),
      padding: { s: b64('EXPLICIT') },
      explicit_paddings: ints([0, 0, 1, 1, 1, 1, 0, 0]),
      data_format: { s: b64('NHWC') },
      epsilon: { f: 0 },
    },
  });
  const constNode = (w: Weight) => ({
    name: w.name,
    op: 'Const',
    attr: {
      dtype: FLOAT,
      value: {
        tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: w.shape.map((s) => ({ size: String(s) })) } },
      },
    },
  });
  const nodes = [
    {
      name: 'input',
      op: 'Placeholder',
      attr: {
        dtype: FLOAT,
        shape: {
          shape: { dim: [{ size: '-1' }, { size: String(SIZE) }, { size: String(SIZE) }, { size: '3' }] },
        },
      },
    },
    ...weights.map(constNode),
    {
      name: 'pool/axes',
      op: 'Const',
      attr: {
        dtype: { type: 'DT_INT32' },
        value: { tensor: { dtype: 'DT_INT32', tensorShape: { dim: [{ size: '2' }] } } },
      },
    },
    conv('block1/relu', 'input', 'block1/conv/weights', 'block1/conv/bias'),
    conv('features', 'block1/relu', 'block2/conv/weights', 'block2/conv/bias'),
    {
      name: 'pooled',
      op: 'Mean',
      input: ['features', 'pool/axes'],
      attr: { T: FLOAT, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } },
    },
    {
      name: 'head/matmul',
      op: 'MatMul',
      input: ['pooled', 'head/kernel'],
      attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } },
    },
    {
      name: 'logits',
      op: 'BiasAdd',
      input: ['head/matmul', 'head/bias'],
      attr: { T: FLOAT, data_format: { s: b64('NHWC') } },
    },
    { name: 'probs', op: 'Softmax', input: ['logits'], attr: { T: FLOAT } },
  ];

  const metadata: ModelMetadata = {
    schemaVersion: METADATA_SCHEMA_VERSION,
    id: 'fixture-tiny',
    version: '1.0.0',
    displayName: 'Test model (answers mean nothing)',
    architecture: 'tiny-cnn-2conv',
    isTestModel: true,
    classes: [...CLASS_IDS],
    input: {
      name: 'input',
      height: SIZE,
      width: SIZE,
      channels: 3,
      colour: 'grey-replicated',
      aspect: 'pad',
      range: [0, 1],
      mean: [0.2, 0.2, 0.2],
      std: [0.25, 0.25, 0.25],
    },
    outputs: { probabilities: 'probs', featureMap: 'features', pooledFeatures: 'pooled' },
    classifier: { kernel: 'head/kernel', bias: 'head/bias' },
    lowConfidenceThreshold: 0.5,
    provenance: {
      trainedOn: 'Nothing: random weights from a fixed seed, for software tests only.',
      licence: 'Same as the LUS Signs source code',
      createdAt: '2026-11-27',
      exporter: 'scripts/make-fixture-model.ts',
    },
    modelCard:
      'A two-layer test network with random weights. It exists so tests can run quickly; its answers mean nothing.',
  };

  const int32Axes = Buffer.from(new Int32Array([1, 2]).buffer);
  const manifestWeights = [
    ...weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })),
    { name: 'pool/axes', shape: [2], dtype: 'int32' },
  ];
  const buffers = [...weights.map((w) => Buffer.from(w.values.buffer)), int32Axes];
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'lus-signs fixture',
    convertedBy: 'scripts/make-fixture-model.ts',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1, minConsumer: 0 } },
    signature: {
      inputs: {
        'input:0': {
          name: 'input:0',
          dtype: 'DT_FLOAT',
          tensorShape: {
            dim: [{ size: '-1' }, { size: String(SIZE) }, { size: String(SIZE) }, { size: '3' }],
          },
        },
      },
      outputs: {
        'probs:0': {
          name: 'probs:0',
          dtype: 'DT_FLOAT',
          tensorShape: { dim: [{ size: '-1' }, { size: '4' }] },
        },
      },
    },
    userDefinedMetadata: { [METADATA_KEY]: metadata },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: manifestWeights }],
  };
  return { modelJson, weights: Buffer.concat(buffers) };
}

function main() {
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? process.argv[outIndex + 1]! : 'public/models/fixture-tiny';
  const { modelJson, weights } = buildFixtureModel();
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'model.json'), JSON.stringify(modelJson, null, 1) + '\n');
  writeFileSync(join(out, 'group1-shard1of1.bin'), weights);
  process.stderr.write(`fixture model written to ${out} (${weights.length} bytes of weights)\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!))
  main();
