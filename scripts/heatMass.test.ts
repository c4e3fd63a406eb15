// The heat map for each sign concentrates on the generator's mask for it, over 50 phantoms (default model, trained models only).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { metadataFromModelJson, type ClassId } from '../src/domain';
import { defaultModelDir } from './gateRates';
import { REGION_OF, heatMass, type HeatMassResult } from './heatMass';

const modelDir = defaultModelDir();
const checked = metadataFromModelJson(JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')));
if (!checked.ok) throw new Error(checked.message);
const { metadata } = checked;
// A test model's weights are random: where it "looks" means nothing, so there is nothing to check.
const trained = !metadata.isTestModel && metadata.outputs.featureMap !== undefined;
const SIGNS = Object.keys(REGION_OF) as ClassId[];

describe.skipIf(!trained)(
  `heat-map concentration with the default model ${metadata.id}@${metadata.version} (skipped for test models)`,
  () => {
    const results = new Map<ClassId, HeatMassResult>();
    beforeAll(async () => {
      for (const classId of SIGNS) {
        const r = await heatMass(modelDir, classId, 50);
        results.set(classId, r);
        console.info(
          `${classId} (${r.cells} cells): heat ${(r.heatFraction * 100).toFixed(1)}% on ${(r.areaShare * 100).toFixed(1)}% of the frame, ratio ${r.ratio.toFixed(2)} (undilated ${r.undilatedRatio.toFixed(2)})`,
        );
      }
    }, 900_000);

    for (const classId of SIGNS) {
      // A heat map spread evenly, or placed at random, gives 1.0: more means the model looks at the sign.
      it(`${classId}: the sign's own cells hold at least 1.1× their share of the heat`, () => {
        const r = results.get(classId)!;
        expect(r.frames).toBeGreaterThanOrEqual(45);
        expect(r.undilatedRatio).toBeGreaterThanOrEqual(1.1);
      });
      // Known gap (issue #10 stays open): the default model is trained at 128 px, so its feature map is
      // 4×4 cells and the mask dilated by one cell covers 72–93% of the frame; a ratio of 1.5 is then
      // impossible (the most it can reach is 1 / the covered share). Marked as failing so that a model at
      // 224 px (7×7) that meets the bar turns this test red and the mark is removed.
      it.fails(
        `${classId}: the mask dilated by one cell holds at least 1.5× its share (known gap at 4×4 cells)`,
        () => {
          expect(results.get(classId)!.ratio).toBeGreaterThanOrEqual(1.5);
        },
      );
    }
  },
);
