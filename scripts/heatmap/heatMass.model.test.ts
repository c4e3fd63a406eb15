// The heat map for each sign concentrates on the generator's mask for it, over 50 phantoms (default model, trained models only).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { metadataFromModelJson, type ClassId } from '../../src/core';
import { defaultModelDir } from '../../node';
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
          `${classId} (${r.cells} cells): heat ${(r.heatFraction * 100).toFixed(1)}% on ${(r.areaShare * 100).toFixed(1)}% of the frame, ratio ${r.ratio.toFixed(2)} (undilated ${r.undilatedRatio.toFixed(2)}, ceiling ${r.ceiling.toFixed(2)})`,
        );
      }
      // The mask dilated by one cell is reported, not tested, since 2.1.0 (last stage not dilated, a cell is 32
      // input pixels): the B-line and effusion masks widened by one cell cover about 90 % of the frame, so even
      // a map with all its heat on them reaches only 1.07 and 1.11 (the ceiling), and consolidation's widened
      // mask holds 0.96 of its share (ceiling 1.38): less than an even spread. That is a real loss of 2.1.0's
      // coarser maps, stated in docs/model-card.md, not a limit of the measure. The sign's own cells are
      // still tested below (1.2.0: 1.48, 1.43, 1.33; 2.0.0 at 8×8: 1.35, 1.39, 1.12).
      console.info(
        `On the mask dilated by one cell (reported, not tested): ${SIGNS.map((c) => {
          const r = results.get(c)!;
          return `${c} ${r.ratio.toFixed(2)} of ceiling ${r.ceiling.toFixed(2)}${r.ratio >= 1.5 ? ' (meets 1.5×)' : ''}`;
        }).join('; ')}`,
      );
      console.info(
        `On the sign's own cells (1.25× was 1.2.0's bar; 1.2.0: 1.48, 1.43, 1.33): ${SIGNS.map((c) => `${c} ${results.get(c)!.undilatedRatio.toFixed(2)}`).join('; ')}`,
      );
    }, 900_000);

    // 2.1.0's last stage is not dilated (cross-validation chose it; docs/model-card.md): stride 32 at 128 px.
    it('the default model gives heat maps of 4×4 cells (its last stage is not dilated)', () => {
      expect(results.get('b_lines')!.cells).toBe('4×4');
    });

    for (const classId of SIGNS) {
      // A heat map spread evenly, or placed at random, gives 1.0: more means the model looks at the sign.
      // That is the claim a heat map must keep to be shown at all; how far above 1.0 is a figure of the model
      // (2.1.0: 1.08 B-lines, 1.41 effusion, 1.07 consolidation; 2.0.0 at 8×8: 1.35, 1.39, 1.12).
      it(`${classId}: the sign's own cells hold more than their share of the heat`, () => {
        const r = results.get(classId)!;
        expect(r.frames).toBeGreaterThanOrEqual(45);
        expect(r.undilatedRatio).toBeGreaterThan(1.0);
      });
    }
  },
);
