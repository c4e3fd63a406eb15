// Public surface of the phantom generator: draw parameters, render stills (optionally in a scanner screen) and cine.
import type { ClassId, RgbaImage } from '../core/frame/index.ts';
import { generatePhantom } from './phantom.ts';
import { generateNegative, type NegativeKind } from './negatives.ts';

export { GENERATOR_VERSION, drawPhantomParams, PROBE_MIX } from './params.ts';
export type {
  DrawOptions,
  LungContent,
  PhantomOverrides,
  PhantomParams,
  ProbeParams,
  ChestWallParams,
  PleuraParams,
} from './params.ts';
export type { ProbeKind } from './geometry.ts';
export { Random } from './random.ts';
export { generateCine, type CineClip, type CineOptions } from './cine.ts';
export { makeTestFrame, type TestFrameOptions } from './testFrame.ts';
export { encodeY4m, parseY4m, type Y4mClip } from './y4m.ts';

export type { Phantom, PhantomMasks, PhantomOptions } from './phantomTypes.ts';
export { MASK_NAMES, generatePhantom, phantomParamsFor, renderPhantom, type RenderState } from './phantom.ts';

export { NEGATIVE_KINDS, cardiacPhantom, type NegativeKind } from './negatives.ts';

/**
 * A frame the input gate must refuse, of the given kind. Colour-Doppler frames are lung phantoms (any
 * sign, from the seed) under a colour box, so the caller never has to build the phantom.
 */
export function generateNegativeFrame(
  kind: NegativeKind,
  width: number,
  height: number,
  seed: number,
): RgbaImage {
  if (kind !== 'colour-doppler') return generateNegative({ kind, width, height, seed });
  const classes: ClassId[] = ['a_lines', 'b_lines', 'pleural_effusion', 'consolidation'];
  const classId = classes[seed % classes.length]!;
  const lung = generatePhantom({ classId, width, height, seed: seed + 7919 });
  return generateNegative({
    kind,
    width,
    height,
    seed,
    lungFrame: { data: lung.image.data, width, height, classId },
  });
}

/** Frame sizes of the gate's fixed negative sets: the sizes scanners, cameras and screenshots come in. */
const GATE_SET_SIZES: ReadonlyArray<readonly [number, number]> = [
  [400, 300],
  [640, 480],
  [512, 512],
  [320, 240],
];

/**
 * Negative i of a kind in the gate's fixed rate sets (the calibration, its CI subset and the default-model
 * smoke spec all measure on these), named `<kind>-<i>`. Seeds are fixed so every run refuses the same frames.
 */
export function gateSetNegative(kind: NegativeKind, i: number): { pixels: RgbaImage; name: string } {
  const [w, h] = GATE_SET_SIZES[i % GATE_SET_SIZES.length]!;
  return { pixels: generateNegativeFrame(kind, w, h, 90_000 + i * 13), name: `${kind}-${i}` };
}
