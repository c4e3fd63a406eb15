// Turns frame inputs (files or pixels) into model-ready batches: decode → grey → ROI → preprocess.

import {
  clampCrop,
  detectUltrasoundRegion,
  prepareModelInput,
  rgbaToGrey,
  type GreyImage,
  type ModelInputSpec,
  type Rect,
} from '../domain';
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
  let grey: GreyImage;
  let originalWidth: number;
  let originalHeight: number;
  if (frame.file) {
    const decoded = await decodeImageBlob(frame.file, name);
    grey = rgbaToGrey(decoded.image);
    originalWidth = decoded.originalWidth;
    originalHeight = decoded.originalHeight;
  } else if (frame.pixels) {
    grey = rgbaToGrey(frame.pixels);
    originalWidth = frame.pixels.width;
    originalHeight = frame.pixels.height;
  } else {
    throw new InputProblem('unreadable', `${name} has neither a file nor pixels.`);
  }
  // A huge frame was decoded smaller; crops travel in the original's pixels.
  const sx = grey.width / originalWidth;
  const sy = grey.height / originalHeight;
  let crop: Rect;
  let cropDetected = false;
  if (frame.crop) {
    crop = clampCrop(frame.crop, originalWidth, originalHeight);
  } else {
    const roi = detectUltrasoundRegion(grey);
    if (!roi.found) throw new InputProblem(roi.reason, `${name}: ${roi.message}`);
    crop = {
      x: roi.rect.x / sx,
      y: roi.rect.y / sy,
      width: roi.rect.width / sx,
      height: roi.rect.height / sy,
    };
    crop = clampCrop(crop, originalWidth, originalHeight);
    cropDetected = true;
  }
  const workCrop = clampCrop(
    { x: crop.x * sx, y: crop.y * sy, width: crop.width * sx, height: crop.height * sy },
    grey.width,
    grey.height,
  );
  prepareModelInput(grey, workCrop, input, out, offset);
  return {
    name,
    crop,
    cropDetected,
    frameWidth: originalWidth,
    frameHeight: originalHeight,
    prepareMs: performance.now() - t0,
  };
}
