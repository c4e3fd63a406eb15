// Renders a still phantom from its drawn parameters: beam formation, scan conversion, post-processing, overlays.
import type { GreyImage, Rect } from '../core/frame/index.ts';
import { createBeamGrid } from './geometry.ts';
import { drawScatterers, formBeamImage, type ScatterField } from './formation.ts';
import { drawOverlays, letterboxArea, overlayFontScale, overlayImageArea } from './overlays.ts';
import { drawPhantomParams, type PhantomParams } from './params.ts';
import type { Phantom, PhantomMasks, PhantomOptions } from './phantomTypes.ts';
import { captureDegrade, photometric, postProcess } from './postprocess.ts';
import { placeSector, scanConvert } from './scanConvert.ts';
import { buildScene, LABEL, type Motion, STILL } from './scene.ts';
import { composeScreen } from './screen.ts';

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
