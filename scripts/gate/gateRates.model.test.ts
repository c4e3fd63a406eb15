// CI check of the input gate on fixed subsets with the default model: 200 held-out phantoms and 100 real frames pass (≥ 98 %), 50 of each negative kind are refused (≥ 95 %).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { metadataFromModelJson, parseGateReference } from '../../src/core';
import { NEGATIVE_KINDS, type NegativeKind } from '../../src/synth';
import { defaultModelDir } from '../../node';
import { rates, ratesTable, runGateSets, type SetRate } from './gateRates';

const modelDir = defaultModelDir();
const checked = metadataFromModelJson(JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')));
if (!checked.ok) throw new Error(checked.message);
const metadata = checked.metadata;
const reference = parseGateReference(metadata.gate);
/** The model check takes part only with gate statistics and a threshold from `npm run gate:calibrate`. */
const calibrated = reference?.threshold !== undefined;

/**
 * Kinds that look like ultrasound to the image checks (a cardiac view is real ultrasound texture; a chest
 * X-ray can be as smooth as an upscaled export): only the model check can refuse them reliably.
 */
const NEEDS_MODEL_CHECK: NegativeKind[] = ['cardiac', 'chest-xray'];

describe(`input gate on the CI subsets with the default model ${metadata.id}@${metadata.version}`, () => {
  let table: SetRate[] = [];
  beforeAll(async () => {
    const { verdicts } = await runGateSets({ modelDir, phantoms: 200, real: 100, negatives: 50 });
    table = rates(verdicts);
    console.info(
      `Gate rates, ${metadata.id}@${metadata.version} (${calibrated ? `model check at threshold ${reference!.threshold}` : 'image checks only: no calibrated gate statistics'}):\n${ratesTable(table)}`,
    );
  }, 1_200_000);

  const rate = (set: string) => table.find((r) => r.set === set)!;

  it('passes at least 98% of the held-out phantoms', () => {
    expect(rate('phantoms').frames).toBe(200);
    expect(rate('phantoms').rate).toBeGreaterThanOrEqual(0.98);
  });

  it('passes at least 98% of the real lung-ultrasound frames', () => {
    expect(rate('real').frames).toBe(100);
    expect(rate('real').rate).toBeGreaterThanOrEqual(0.98);
  });

  for (const kind of NEGATIVE_KINDS) {
    const needsModel = NEEDS_MODEL_CHECK.includes(kind);
    // Without a calibrated model these kinds cannot meet the bar by design: skipped, and the title says why.
    it.skipIf(needsModel && !calibrated)(
      `refuses at least 95% of ${kind} frames${needsModel ? ' (needs the model check: a model with calibrated gate statistics)' : ''}`,
      () => {
        expect(rate(kind).frames).toBe(50);
        expect(rate(kind).rate).toBeGreaterThanOrEqual(0.95);
      },
    );
  }
});
