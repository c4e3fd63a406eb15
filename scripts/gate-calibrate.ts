// Calibrates the input gate for a model: runs held-out phantoms, the real frames and every negative kind, prints the full rates, and (with --write) stores the feature threshold in the model's metadata.
//
// Usage: npm run gate:calibrate -- [--model public/models/lus-resnet152] [--phantoms 400] [--real all]
//        [--negatives 100] [--accept 0.99] [--write] [--json rates.json]

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { METADATA_KEY } from '../src/domain';
import { chooseThreshold, defaultModelDir, rates, ratesTable, runGateSets } from './gateRates';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    phantoms: { type: 'string', default: '400' },
    real: { type: 'string', default: 'all' },
    negatives: { type: 'string', default: '100' },
    accept: { type: 'string', default: '0.99' },
    write: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const modelDir = values.model ?? defaultModelDir();
const accept = Number(values.accept);
const started = Date.now();
const { verdicts, modelId, msPerFrame } = await runGateSets({
  modelDir,
  phantoms: Number(values.phantoms),
  real: values.real === 'all' ? undefined : Number(values.real),
  negatives: Number(values.negatives),
  onProgress: (set, done, total) => process.stderr.write(`\r${set}: ${done}/${total}        `),
});
process.stderr.write('\n');

const scored = verdicts.some((v) => v.featureScore !== undefined);
const threshold = scored ? chooseThreshold(verdicts, accept) : null;
console.log(
  `Input gate calibration for ${modelId} (${modelDir}), ${verdicts.length} frames, ${msPerFrame.toFixed(0)} ms/frame on WASM`,
);
console.log('\nImage checks only:\n');
console.log(ratesTable(rates(verdicts.map((v) => ({ ...v, pass: !v.imageRefused })))));
if (threshold !== null) {
  console.log(
    `\nImage checks + model check (feature threshold ${threshold}, accepting ${accept * 100}% of in-distribution frames that pass the image checks):\n`,
  );
  console.log(ratesTable(rates(verdicts, threshold)));
} else {
  console.log(
    '\nThis model has no gate statistics (metadata "gate"): the model check cannot run; image checks only.',
  );
}
if (values.json) {
  writeFileSync(values.json, JSON.stringify({ modelId, threshold, accept, verdicts }, null, 1) + '\n');
}
if (values.write) {
  if (threshold === null) {
    console.error('--write: nothing to write (no gate statistics in this model).');
    process.exit(1);
  }
  const path = join(modelDir, 'model.json');
  const text = readFileSync(path, 'utf8');
  const json = JSON.parse(text) as { userDefinedMetadata: Record<string, { gate: Record<string, unknown> }> };
  const gate = json.userDefinedMetadata[METADATA_KEY]!.gate;
  gate.threshold = threshold;
  gate.calibration = {
    at: new Date().toISOString(),
    accept,
    rates: rates(verdicts, threshold).map((r) => ({
      set: r.set,
      frames: r.frames,
      rate: Number(r.rate.toFixed(4)),
    })),
    script: 'npm run gate:calibrate -- --write',
  };
  // Keep the file's own layout (the exporter writes compact JSON).
  writeFileSync(path, text.includes('\n ') ? JSON.stringify(json, null, 1) + '\n' : JSON.stringify(json));
  console.log(`\nWrote gate.threshold = ${threshold} into ${path}`);
}
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
