// Calibrates the input gate for a model: fits the cardiac-view reference, runs held-out phantoms, the real frames and every negative kind, prints the full rates, and (with --write) stores the thresholds in the model's metadata.
//
// Usage: npm run gate:calibrate -- [--model public/models/lus-resnet152] [--phantoms 400] [--real all]
//        [--negatives 100] [--reference 200] [--accept 0.995] [--accept-view 0.995] [--write] [--json rates.json]

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { METADATA_KEY } from '../src/domain';
import {
  chooseThreshold,
  defaultModelDir,
  rates,
  ratesTable,
  pooledFeaturesOf,
  referenceViewFrame,
  runGateSets,
  trainingPhantom,
  type Thresholds,
} from './gateRates';
import { fitViewDiscriminant, type ViewDiscriminant } from './viewDiscriminant';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    phantoms: { type: 'string', default: '400' },
    real: { type: 'string', default: 'all' },
    negatives: { type: 'string', default: '100' },
    reference: { type: 'string', default: '200' },
    accept: { type: 'string', default: '0.995' },
    'accept-view': { type: 'string', default: '0.995' },
    write: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const modelDir = values.model ?? defaultModelDir();
const accept = Number(values.accept);
const acceptView = Number(values['accept-view']);
const referenceCount = Number(values.reference);
const started = Date.now();
const progress = (set: string, done: number, total: number) =>
  process.stderr.write(`\r${set}: ${done}/${total}        `);

// 1. The cardiac-view discriminant: logistic regression on pooled features of generated heart views
// (seeds apart from the negatives measured below) against training phantoms (not the held-out ones, and
// no real frames: those are what its false refusals are measured on). Its threshold is chosen below.
let cardiac: ViewDiscriminant | null = null;
try {
  const lung = await pooledFeaturesOf(
    modelDir,
    Array.from({ length: referenceCount }, (_, i) => () => trainingPhantom(i)),
    (done, total) => progress('discriminant, training phantoms', done, total),
  );
  const hearts = await pooledFeaturesOf(
    modelDir,
    Array.from({ length: referenceCount }, (_, i) => () => referenceViewFrame('cardiac', i)),
    (done, total) => progress('discriminant, cardiac views', done, total),
  );
  process.stderr.write('\n');
  if (!lung.length || !hearts.length) throw new Error('the model gives no pooled features');
  cardiac = fitViewDiscriminant(lung, hearts);
} catch (error) {
  console.log(`No cardiac-view discriminant: ${(error as Error).message}`);
}
const cardiacEntry = (threshold?: number) => ({
  kind: 'cardiac',
  ...cardiac!,
  data: `logistic regression, ${referenceCount} generated cardiac views (reference seeds) vs ${referenceCount} training phantoms`,
  ...(threshold !== undefined ? { threshold } : {}),
});

// 2. Every set through the app's classify path, with the new reference in place (threshold not yet set).
const { verdicts, modelId, msPerFrame } = await runGateSets({
  modelDir,
  phantoms: Number(values.phantoms),
  real: values.real === 'all' ? undefined : Number(values.real),
  negatives: Number(values.negatives),
  ...(cardiac
    ? {
        patchGate: (gate: Record<string, unknown>) => {
          gate.nonLung = [cardiacEntry()];
        },
      }
    : {}),
  onProgress: progress,
});
process.stderr.write('\n');

const scored = verdicts.some((v) => v.featureScore !== undefined);
const thresholds: Thresholds = {};
const feature = scored ? chooseThreshold(verdicts, accept) : null;
if (feature !== null) thresholds.feature = feature;
const view = cardiac ? chooseThreshold(verdicts, acceptView, (v) => v.viewScore) : null;
if (view !== null) thresholds.view = view;

console.log(
  `Input gate calibration for ${modelId} (${modelDir}), ${verdicts.length} frames, ${msPerFrame.toFixed(0)} ms/frame on WASM`,
);
console.log('\nImage checks only:\n');
console.log(ratesTable(rates(verdicts, {})));
if (feature !== null) {
  console.log(
    `\nImage checks + feature distance (threshold ${feature}, accepting ${accept * 100}% of the must-pass frames that pass the image checks):\n`,
  );
  console.log(ratesTable(rates(verdicts, { feature })));
}
if (view !== null) {
  console.log(
    `\nImage checks + feature distance + cardiac-view score (threshold ${view}, accepting ${acceptView * 100}% of the must-pass frames that pass the image checks):\n`,
  );
  console.log(ratesTable(rates(verdicts, thresholds)));
  const lungScores = verdicts
    .filter((v) => (v.set === 'phantoms' || v.set === 'real') && v.viewScore !== undefined)
    .map((v) => v.viewScore!);
  const cardiacScores = verdicts.filter((v) => v.set === 'cardiac').map((v) => v.viewScore!);
  const range = (xs: number[]) =>
    xs.length ? `${Math.min(...xs).toFixed(2)} to ${Math.max(...xs).toFixed(2)}` : 'none';
  console.log(
    `\nCardiac-view scores (logits; above 0 more like the generated hearts): lung frames ${range(lungScores)}, cardiac negatives ${range(cardiacScores)}`,
  );
}
if (feature === null) {
  console.log(
    '\nThis model has no gate statistics (metadata "gate"): the model check cannot run; image checks only.',
  );
}
if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify({ modelId, thresholds, accept, acceptView, verdicts }, null, 1) + '\n',
  );
}
if (values.write) {
  if (feature === null) {
    console.error('--write: nothing to write (no gate statistics in this model).');
    process.exit(1);
  }
  const path = join(modelDir, 'model.json');
  const text = readFileSync(path, 'utf8');
  const json = JSON.parse(text) as { userDefinedMetadata: Record<string, { gate: Record<string, unknown> }> };
  const gate = json.userDefinedMetadata[METADATA_KEY]!.gate;
  gate.threshold = feature;
  if (cardiac && view !== null) gate.nonLung = [cardiacEntry(view)];
  else delete gate.nonLung;
  gate.calibration = {
    at: new Date().toISOString(),
    accept,
    acceptView,
    ...(view !== null ? { viewThreshold: view } : {}),
    rates: rates(verdicts, thresholds).map((r) => ({
      set: r.set,
      frames: r.frames,
      rate: Number(r.rate.toFixed(4)),
    })),
    script: 'npm run gate:calibrate -- --write',
  };
  // Keep the file's own layout (the exporter writes compact JSON).
  writeFileSync(path, text.includes('\n ') ? JSON.stringify(json, null, 1) + '\n' : JSON.stringify(json));
  console.log(
    `\nWrote gate.threshold = ${feature}${view !== null ? ` and the cardiac-view reference (threshold ${view})` : ''} into ${path}`,
  );
}
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
