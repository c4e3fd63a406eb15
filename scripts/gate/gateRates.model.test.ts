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

/**
 * Known gaps of a named model, kept visible instead of skipped: the test is marked as failing, so it turns
 * red (and the mark must go) the day the model meets the bar. lus-resnet152 1.0.0 let cardiac views
 * through; 1.1.0 carries the cardiac-view discriminant (100 of 100 refused in the full calibration).
 * 1.2.0 as first calibrated let 9 of 100 grainy X-rays through (its features put them among the lung
 * frames); refitted with real training-clip frames on the lung side, its chest-X-ray discriminant refuses
 * all 100 and no real frame, so 1.2.0 has no known gap now.
 */
const KNOWN_GAPS: Record<string, Partial<Record<NegativeKind, string>>> = {
  'lus-resnet152@1.0.0': { cardiac: 'known gap: cardiac views pass the gate (no cardiac-view check)' },
};
const gaps = KNOWN_GAPS[`${metadata.id}@${metadata.version}`] ?? {};

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
    // Without a calibrated model these kinds cannot meet the bar by design; the test says so instead of hiding it.
    const gap = gaps[kind];
    (gap ? it.fails : it.skipIf(needsModel && !calibrated))(
      `refuses at least 95% of ${kind} frames${gap ? ` (${gap})` : needsModel ? ' (needs the model check: a model with calibrated gate statistics)' : ''}`,
      () => {
        expect(rate(kind).frames).toBe(50);
        expect(rate(kind).rate).toBeGreaterThanOrEqual(0.95);
      },
    );
  }
});
