// How much of each sign's heat map falls on the region the generator marked for that sign (B-lines, effusion, consolidation), against the region's share of the frame.
import {
  greyToRgba,
  heatMassOnRegion,
  maskToCells,
  modelSizedGrey,
  type ClassId,
  type GreyImage,
} from '../../src/core';
import { FrameClassifier } from '../../src/inference/classifier';
import { modelFolderSource, useWasmBackendInNode } from '../../node';
import { generatePhantom, type PhantomMasks } from '../../src/synth';

export const REGION_OF: Partial<Record<ClassId, keyof PhantomMasks>> = {
  b_lines: 'bLines',
  pleural_effusion: 'effusion',
  consolidation: 'consolidation',
};

export interface HeatMassResult {
  classId: ClassId;
  frames: number;
  /** Mean share of the sign's heat on the dilated region. */
  heatFraction: number;
  /** Mean share of the frame's cells the dilated region covers. */
  areaShare: number;
  /** heatFraction / areaShare: 1 is no better than spreading heat evenly. */
  ratio: number;
  /** The same without dilation (the mask's own cells): informative when cells are coarse. */
  undilatedRatio: number;
  /** The highest ratio any heat map could reach (all heat on the dilated mask): 1 / areaShare. */
  ceiling: number;
  cells: string;
}

/** Runs `frames` phantoms of one sign (held-out seeds) and measures heat mass on its mask, dilated by one cell. */
export async function heatMass(modelDir: string, classId: ClassId, frames: number): Promise<HeatMassResult> {
  const region = REGION_OF[classId];
  if (!region) throw new Error(`${classId} has no region mask`);
  await useWasmBackendInNode();
  const classifier = new FrameClassifier();
  const info = await classifier.load(await modelFolderSource(modelDir), 'wasm');
  const input = info.metadata.input;
  let heatSum = 0;
  let areaSum = 0;
  let heat0 = 0;
  let area0 = 0;
  let counted = 0;
  let cells = '';
  for (let i = 0; i < frames; i++) {
    const p = generatePhantom({ classId, width: 400, height: 300, seed: 515_151 + i * 4, overlays: false });
    const [outcome] = await classifier.classify([{ pixels: greyToRgba(p.image), name: `${classId}-${i}` }]);
    if (!outcome?.ok || !outcome.result.heatMap) continue;
    const map = outcome.result.heatMap;
    cells = `${map.width}×${map.height}`;
    // The mask goes through the same crop, resize and padding as the frame.
    const maskImage: GreyImage = {
      width: p.image.width,
      height: p.image.height,
      data: Uint8ClampedArray.from(p.masks[region], (v) => (v ? 255 : 0)),
    };
    const { pixels } = modelSizedGrey(maskImage, outcome.result.crop, input);
    const inInput = Uint8Array.from(pixels, (v) => (v >= 128 ? 1 : 0));
    if (!inInput.some((v) => v)) continue;
    const cellMask = maskToCells(inInput, input.width, input.height, map.width, map.height, 1);
    const { heatFraction, areaShare } = heatMassOnRegion(map, classId, cellMask);
    heatSum += heatFraction;
    areaSum += areaShare;
    const own = heatMassOnRegion(
      map,
      classId,
      maskToCells(inInput, input.width, input.height, map.width, map.height, 0),
    );
    heat0 += own.heatFraction;
    area0 += own.areaShare;
    counted++;
  }
  classifier.dispose();
  const heatFraction = heatSum / Math.max(1, counted);
  const areaShare = areaSum / Math.max(1, counted);
  return {
    classId,
    frames: counted,
    heatFraction,
    areaShare,
    ratio: heatFraction / Math.max(1e-9, areaShare),
    undilatedRatio: heat0 / Math.max(1e-9, area0),
    ceiling: 1 / Math.max(1e-9, areaShare),
    cells,
  };
}
