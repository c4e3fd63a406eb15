// Public surface of the phantom generator: draw parameters, render stills (optionally in a scanner screen) and cine.
import type { ClassId, GreyImage, Rect, RgbaImage } from '../core/frame/index.ts';
import { createBeamGrid } from './geometry.ts';
import { drawScatterers, formBeamImage, type ScatterField } from './formation.ts';
import { drawOverlays, letterboxArea, overlayFontScale, overlayImageArea } from './overlays.ts';
import { drawPhantomParams, type PhantomOverrides, type PhantomParams } from './params.ts';
import { captureDegrade, photometric, postProcess } from './postprocess.ts';
import { placeSector, scanConvert } from './scanConvert.ts';
import { buildScene, LABEL, type Motion, STILL } from './scene.ts';
import { composeScreen } from './screen.ts';
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

export interface PhantomMasks {
  pleura: Uint8Array;
  aLines: Uint8Array;
  bLines: Uint8Array;
  effusion: Uint8Array;
  consolidation: Uint8Array;
}

export interface Phantom {
  image: GreyImage;
  /** 0/1 per pixel, same size as the image. */
  masks: PhantomMasks;
  /** 1 inside the imaged sector. */
  sector: Uint8Array;
  classId: ClassId;
  /** Every drawn parameter; renderPhantom(params) reproduces the image byte for byte. */
  params: PhantomParams;
  /** Scanner-screen mode: where the ultrasound image lies inside the fake screen. */
  imageRect?: Rect;
}

export interface PhantomOptions {
  classId: ClassId;
  width: number;
  height: number;
  seed: number;
  overrides?: Partial<PhantomOverrides>;
  /** true: always, false: never, 'random' (default): half of the frames, as the spec asks. */
  overlays?: boolean | 'random';
  /** Place the image inside a fake scanner user interface. */
  screen?: boolean;
  /** Training-time brightness/contrast and capture degradations (default true). */
  augment?: boolean;
}

export const MASK_NAMES = ['pleura', 'aLines', 'bLines', 'effusion', 'consolidation'] as const;

/** A phantom's parameters from the caller's options; stills augment by default, cine clips do not. */
export function phantomParamsFor(options: PhantomOptions, augmentByDefault: boolean): PhantomParams {
  return drawPhantomParams({
    classId: options.classId,
    width: options.width,
    height: options.height,
    seed: options.seed,
    overrides: options.overrides ?? {},
    overlays: options.overlays ?? 'random',
    screen: options.screen ?? false,
    augment: options.augment ?? augmentByDefault,
  });
}

export function generatePhantom(options: PhantomOptions): Phantom {
  return renderPhantom(phantomParamsFor(options, true));
}

/** Beam-space state that cine reuses between frames (the scatterers only rotate, never get redrawn). */
export interface RenderState {
  field: ScatterField;
}

export function renderPhantom(
  params: PhantomParams,
  motion: Motion = STILL,
  phase = 0,
  state?: RenderState,
): Phantom {
  const screen = params.screen;
  const width = screen ? screen.imageWidth : params.width;
  const height = screen ? screen.imageHeight : params.height;
  const grid = createBeamGrid(
    params.probe,
    params.beamLines,
    params.depthSamples,
    params.chestWall.pleuraDepthMm,
  );
  const scene = buildScene(params, grid, motion);
  const field = state?.field ?? drawScatterers(params, grid, false);
  const beam = formBeamImage(params, scene, field, phase, motion);

  const overlay = params.overlay;
  const frameArea: Rect = overlay
    ? letterboxArea(width, height, overlay.letterbox)
    : { x: 0, y: 0, width, height };
  const imageArea = overlay ? overlayImageArea(frameArea, overlay, overlayFontScale(height)) : frameArea;
  const placement = placeSector(
    params.probe,
    params.placement,
    width,
    height,
    imageArea,
    0.6 * params.chestWall.pleuraDepthMm,
  );
  const converted = scanConvert(grid, beam, scene.labels, placement);
  let pixels = postProcess(converted.image, width, height, converted.sector, params.post);
  if (params.augment) photometric(pixels, converted.sector, params.augment);
  if (overlay) drawOverlays(pixels, width, height, overlay, params.probe, placement, frameArea);
  if (params.augment)
    pixels = captureDegrade(pixels, width, height, params.augment, params.textureSeed ^ 0x0a11ce);

  const image: GreyImage = { width, height, data: new Uint8ClampedArray(width * height) };
  for (let k = 0; k < pixels.length; k++) image.data[k] = Math.round(pixels[k]!);
  const masks = masksFromLabels(converted.labels);
  const phantom: Phantom = { image, masks, sector: converted.sector, classId: params.classId, params };
  return screen ? composeScreen(phantom, params) : phantom;
}

function masksFromLabels(labels: Uint8Array): PhantomMasks {
  const n = labels.length;
  const masks: PhantomMasks = {
    pleura: new Uint8Array(n),
    aLines: new Uint8Array(n),
    bLines: new Uint8Array(n),
    effusion: new Uint8Array(n),
    consolidation: new Uint8Array(n),
  };
  for (let k = 0; k < n; k++) {
    const l = labels[k]!;
    if (!l) continue;
    if (l & LABEL.pleura) masks.pleura[k] = 1;
    if (l & LABEL.aLines) masks.aLines[k] = 1;
    if (l & LABEL.bLines) masks.bLines[k] = 1;
    if (l & LABEL.effusion) masks.effusion[k] = 1;
    if (l & LABEL.consolidation) masks.consolidation[k] = 1;
  }
  return masks;
}

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
