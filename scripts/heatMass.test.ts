// The heat map for each sign concentrates on the generator's mask for it: the mask dilated by one feature cell holds at least 1.5× its share of the heat, over 50 phantoms (default model, trained models only).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metadataFromModelJson, type ClassId } from '../src/domain';
import { defaultModelDir } from './gateRates';
import { REGION_OF, heatMass } from './heatMass';

const modelDir = defaultModelDir();
const checked = metadataFromModelJson(JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')));
if (!checked.ok) throw new Error(checked.message);
const { metadata } = checked;
// A test model's weights are random: where it "looks" means nothing, so there is nothing to check.
const trained = !metadata.isTestModel && metadata.outputs.featureMap !== undefined;

describe.skipIf(!trained)(
  `heat-map concentration with the default model ${metadata.id}@${metadata.version} (skipped for test models)`,
  () => {
    for (const classId of Object.keys(REGION_OF) as ClassId[]) {
      it(`${classId}: the dilated mask holds at least 1.5× its share of the heat over 50 phantoms`, async () => {
        const r = await heatMass(modelDir, classId, 50);
        console.info(
          `${classId} (${r.cells} cells): heat ${(r.heatFraction * 100).toFixed(1)}% on ${(r.areaShare * 100).toFixed(1)}% of the frame, ratio ${r.ratio.toFixed(2)} (undilated ${r.undilatedRatio.toFixed(2)})`,
        );
        expect(r.frames).toBeGreaterThanOrEqual(45);
        expect(r.ratio).toBeGreaterThanOrEqual(1.5);
      }, 900_000);
    }
  },
);
