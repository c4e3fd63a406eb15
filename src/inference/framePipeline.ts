// Turns frame inputs (files or pixels) into model-ready batches: decode → grey → ROI → preprocess.

import {
  clampCrop,
  colourEvidence,
  detectUltrasoundRegion,
  judgeColour,
  judgeImage,
  prepareModelInput,
  rgbaToGrey,
  textureEvidence,
  type GateReasonCode,
  type GreyImage,
  type ImageEvidence,
  type ModelInputSpec,
  type Rect,
  type RgbaImage,
} from '../core';
import { InputProblem, decodeImageBlob } from '../sources';
import type { FrameInput } from './api';

export interface PreparedFrame {
  name: string;
  /** Crop in the original file's pixels (what the UI draws over the full-size image). */
  crop: Rect;
  cropDetected: boolean;
  frameWidth: number;
  frameHeight: number;
  prepareMs: number;
  /** Where the crop landed in the model input (heat maps are drawn back through it). */
  content: Rect;
  /** The input gate's image checks: what they measured and the first check that failed. */
  evidence: ImageEvidence;
  imageRefusal: GateReasonCode | null;
}

/**
 * Decodes and preprocesses one frame into `out` at `offset`. Throws InputProblem for bad input so the
 * caller can report it and carry on with the rest of the batch.
 */
export async function prepareFrame(
  frame: FrameInput,
  input: ModelInputSpec,
  out: Float32Array,
  offset: number,
): Promise<PreparedFrame> {
  const t0 = performance.now();
  const name = frame.name ?? 'The frame';
  let rgba: RgbaImage;
  let originalWidth: number;
  let originalHeight: number;
  if (frame.file) {
    const decoded = await decodeImageBlob(frame.file, name);
    rgba = decoded.image;
    originalWidth = decoded.originalWidth;
    originalHeight = decoded.originalHeight;
  } else if (frame.pixels) {
    rgba = frame.pixels;
    originalWidth = frame.pixels.width;
    originalHeight = frame.pixels.height;
  } else {
    throw new InputProblem('unreadable', `${name} has neither a file nor pixels.`);
  }
  // Colour is judged before the frame turns grey: a photograph or a Doppler box would vanish into luma.
  const grey: GreyImage = rgbaToGrey(rgba);
  const colourOfFrame = judgeColour(colourEvidence(rgba, null));
  // A huge frame was decoded smaller; crops travel in the original's pixels.
  const sx = grey.width / originalWidth;
  const sy = grey.height / originalHeight;
  let crop: Rect;
  let cropDetected = false;
  if (frame.crop) {
    crop = clampCrop(frame.crop, originalWidth, originalHeight);
  } else {
    const roi = detectUltrasoundRegion(grey);
    if (roi.found) {
      crop = {
        x: roi.rect.x / sx,
        y: roi.rect.y / sy,
        width: roi.rect.width / sx,
        height: roi.rect.height / sy,
      };
      crop = clampCrop(crop, originalWidth, originalHeight);
      cropDetected = true;
    } else if (colourOfFrame === 'colour-photo') {
      // A photograph is refused by the gate with its own reason; the whole frame is read so the
      // probabilities can still be shown on request, marked unreliable.
      crop = { x: 0, y: 0, width: originalWidth, height: originalHeight };
    } else {
      throw new InputProblem(roi.reason, `${name}: ${roi.message}`);
    }
  }
  const workCrop = clampCrop(
    { x: crop.x * sx, y: crop.y * sy, width: crop.width * sx, height: crop.height * sy },
    grey.width,
    grey.height,
  );
  const { placement } = prepareModelInput(grey, workCrop, input, out, offset);
  const evidence: ImageEvidence = { ...colourEvidence(rgba, workCrop), ...textureEvidence(grey, workCrop) };
  return {
    content: placement.content,
    evidence,
    imageRefusal: judgeImage(evidence),
    name,
    crop,
    cropDetected,
    frameWidth: originalWidth,
    frameHeight: originalHeight,
    prepareMs: performance.now() - t0,
  };
}
