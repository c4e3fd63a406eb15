// Calibrates the input gate for a model: fits the non-lung view references named by --views (cardiac and chest X-ray by default), runs held-out phantoms, the real frames and every negative kind, prints the full rates, and (with --write) stores the thresholds in the model's metadata.
//
// Usage: npm run gate:calibrate -- [--model public/models/lus-resnet152] [--phantoms 400] [--real all]
//        [--negatives 100] [--reference 200] [--accept 0.995] [--accept-view 0.995] [--accept-real 1]
//        [--views cardiac,chest-xray]
//        [--write] [--json rates.json]

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultModelDir } from '../../node';
import { METADATA_KEY, type NonLungKind } from '../../src/core';
import {
  chooseThreshold,
  rates,
  ratesTable,
  isValidationFrame,
  REAL_DIR,
  pooledFeaturesOf,
  realFrame,
  referenceViewFrame,
  trainingRealFrameFiles,
  runGateSets,
  trainingPhantom,
  VIEW_KINDS,
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
    // The real lung frames are what the app is for: by default every one of them passes every check (issue #20);
    // the phantoms keep the looser --accept / --accept-view.
    'accept-real': { type: 'string', default: '1' },
    // Which non-lung view checks to fit (of NON_LUNG_VIEWS).
    views: { type: 'string', default: 'cardiac,chest-xray' },
    write: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const modelDir = values.model ?? defaultModelDir();
const accept = Number(values.accept);
const acceptView = Number(values['accept-view']);
const acceptReal = Number(values['accept-real']);
const realShare = { real: acceptReal };
const referenceCount = Number(values.reference);
const viewKinds = values.views
  .split(',')
  .map((k) => k.trim())
  .filter(Boolean) as NonLungKind[];
const unknownView = viewKinds.find((k) => !VIEW_KINDS.includes(k));
if (unknownView) {
  console.error(`--views: ${unknownView} is not a known view (known: ${VIEW_KINDS.join(', ')})`);
  process.exit(2);
}
const started = Date.now();
const progress = (set: string, done: number, total: number) =>
  process.stderr.write(`\r${set}: ${done}/${total}        `);

// 1. One discriminant per known non-lung view: logistic regression on pooled features of generated views
// (seeds apart from the negatives measured below) against lung frames the model trained on: training phantoms
// (not the held-out ones) and real frames of the training clips. Real frames belong on the lung side: fitted
// against phantoms alone, the X-ray check for lus-resnet152 1.2.0 scored smooth real frames that fill their
// crop as X-ray-like as the grainy radiographs and could not refuse one without the other. The validation
// clips' frames are in no fit; their refusals are reported on their own. Thresholds are chosen below.
const discriminants = new Map<NonLungKind, ViewDiscriminant>();
let realReferenceCount = 0;
try {
  const phantoms = await pooledFeaturesOf(
    modelDir,
    Array.from({ length: referenceCount }, (_, i) => () => trainingPhantom(i)),
    (done, total) => progress('discriminant, training phantoms', done, total),
  );
  if (!phantoms.length) throw new Error('the model gives no pooled features');
  const realFiles = existsSync(REAL_DIR) ? trainingRealFrameFiles(referenceCount) : [];
  const real = await pooledFeaturesOf(
    modelDir,
    realFiles.map((file) => () => realFrame(file)),
    (done, total) => progress('discriminant, real frames of the training clips', done, total),
  );
  realReferenceCount = real.length;
  const lung = [...phantoms, ...real];
  for (const kind of viewKinds) {
    const views = await pooledFeaturesOf(
      modelDir,
      Array.from({ length: referenceCount }, (_, i) => () => referenceViewFrame(kind, i)),
      (done, total) => progress(`discriminant, ${kind} references`, done, total),
    );
    discriminants.set(kind, fitViewDiscriminant(lung, views));
  }
  process.stderr.write('\n');
} catch (error) {
  console.log(`No non-lung view discriminants: ${(error as Error).message}`);
}
const viewEntries = (thresholds?: Partial<Record<NonLungKind, number>>) =>
  [...discriminants].map(([kind, d]) => ({
    kind,
    ...d,
    data: `logistic regression, ${referenceCount} generated ${kind} views (reference seeds) vs ${referenceCount} training phantoms and ${realReferenceCount} real frames of the training clips`,
    ...(thresholds?.[kind] !== undefined ? { threshold: thresholds[kind] } : {}),
  }));

// 2. Every set through the app's classify path, with the new reference in place (threshold not yet set).
const { verdicts, modelId, msPerFrame } = await runGateSets({
  modelDir,
  phantoms: Number(values.phantoms),
  real: values.real === 'all' ? undefined : Number(values.real),
  negatives: Number(values.negatives),
  ...(discriminants.size
    ? {
        patchGate: (gate: Record<string, unknown>) => {
          gate.nonLung = viewEntries();
        },
      }
    : {}),
  onProgress: progress,
});
process.stderr.write('\n');

const scored = verdicts.some((v) => v.featureScore !== undefined);
const thresholds: Thresholds = {};
const feature = scored ? chooseThreshold(verdicts, accept, (v) => v.featureScore, realShare) : null;
if (feature !== null) thresholds.feature = feature;
const viewThresholds: Partial<Record<NonLungKind, number>> = {};
for (const kind of discriminants.keys()) {
  const t = chooseThreshold(verdicts, acceptView, (v) => v.viewScores?.[kind], realShare);
  if (t !== null) viewThresholds[kind] = t;
}
const viewsCalibrated = Object.keys(viewThresholds).length > 0;
if (viewsCalibrated) thresholds.views = viewThresholds;
const viewText = Object.entries(viewThresholds)
  .map(([kind, t]) => `${kind} ${t}`)
  .join(', ');

console.log(
  `Input gate calibration for ${modelId} (${modelDir}), ${verdicts.length} frames, ${msPerFrame.toFixed(0)} ms/frame on WASM`,
);
console.log('\nImage checks only:\n');
console.log(ratesTable(rates(verdicts, {})));
if (feature !== null) {
  console.log(
    `\nImage checks + feature distance (threshold ${feature}, accepting ${accept * 100}% of the phantoms and ${acceptReal * 100}% of the real frames that pass the image checks):\n`,
  );
  console.log(ratesTable(rates(verdicts, { feature })));
}
if (viewsCalibrated) {
  console.log(
    `\nImage checks + feature distance + non-lung view scores (thresholds ${viewText}, each accepting ${acceptView * 100}% of the phantoms and ${acceptReal * 100}% of the real frames that pass the image checks):\n`,
  );
  console.log(ratesTable(rates(verdicts, thresholds)));
  const range = (xs: number[]) =>
    xs.length ? `${Math.min(...xs).toFixed(2)} to ${Math.max(...xs).toFixed(2)}` : 'none';
  for (const kind of discriminants.keys()) {
    const score = (sets: string[]) =>
      verdicts
        .filter((v) => sets.includes(v.set) && v.viewScores?.[kind] !== undefined)
        .map((v) => v.viewScores![kind]!);
    console.log(
      `${kind} view scores (logits; above 0 more like the generated views): lung frames ${range(score(['phantoms', 'real']))}, ${kind} negatives ${range(score([kind]))}`,
    );
  }
}
// The validation clips' frames were in no fit (neither training nor the view discriminants): the honest
// false-refusal rate on real scans. The thresholds themselves are set on every must-pass frame.
const [unseen] = rates(
  verdicts.filter((v) => v.set === 'real' && isValidationFrame(v.name)),
  thresholds,
);
if (unseen) {
  console.log(
    `\nReal frames of the validation clips (in no fit): passed ${unseen.passed} of ${unseen.frames} (${(unseen.rate * 100).toFixed(1)} %)`,
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
    JSON.stringify({ modelId, thresholds, accept, acceptView, acceptReal, verdicts }, null, 1) + '\n',
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
  if (viewsCalibrated) gate.nonLung = viewEntries(viewThresholds).filter((e) => e.threshold !== undefined);
  else delete gate.nonLung;
  gate.calibration = {
    at: new Date().toISOString(),
    accept,
    acceptView,
    acceptReal,
    ...(viewsCalibrated ? { viewThresholds } : {}),
    ...(unseen ? { validationClipFrames: { frames: unseen.frames, passed: unseen.passed } } : {}),
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
    `\nWrote gate.threshold = ${feature}${viewsCalibrated ? ` and the non-lung view references (thresholds ${viewText})` : ''} into ${path}`,
  );
}
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
