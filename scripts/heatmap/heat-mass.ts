// Prints how well each sign's heat map concentrates on the generator's mask for it (the 1.5× criterion).
// Usage: npx tsx scripts/heatmap/heat-mass.ts [--model DIR] [--frames 50]
import { parseArgs } from 'node:util';
import { defaultModelDir } from '../../node';
import { REGION_OF, heatMass } from './heatMass';
import type { ClassId } from '../../src/core';

const { values } = parseArgs({
  options: { model: { type: 'string' }, frames: { type: 'string', default: '50' } },
});
const modelDir = values.model ?? defaultModelDir();
for (const classId of Object.keys(REGION_OF) as ClassId[]) {
  const r = await heatMass(modelDir, classId, Number(values.frames));
  console.log(
    `${classId}: ${r.frames} frames, ${r.cells} cells, heat on dilated mask ${(r.heatFraction * 100).toFixed(1)}% ` +
      `vs its area ${(r.areaShare * 100).toFixed(1)}% → ratio ${r.ratio.toFixed(2)} (undilated ${r.undilatedRatio.toFixed(2)}; the most any map could reach ${r.ceiling.toFixed(2)})`,
  );
}
