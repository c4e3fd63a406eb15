// Turns a grey frame and its crop into the model's input tensor data (NHWC float32), per the model metadata.

import { cropGrey, createGreyImage, resizeGreyToFloat, type GreyImage, type Rect } from '../frame';
import type { ModelInputSpec } from '../model';

/** Where the cropped region landed inside the model input (pad policy leaves black bars). */
export interface InputPlacement {
  /** Crop in source-frame pixels. */
  crop: Rect;
  /** Rectangle inside the model input, in model-input pixels. */
  content: Rect;
}

type InputGeometry = Pick<ModelInputSpec, 'width' | 'height' | 'aspect'>;

export function placeInInput(crop: Rect, input: InputGeometry): InputPlacement {
  if (input.aspect === 'stretch') {
    return { crop, content: { x: 0, y: 0, width: input.width, height: input.height } };
  }
  const scale = Math.min(input.width / crop.width, input.height / crop.height);
  const width = Math.max(1, Math.min(input.width, Math.round(crop.width * scale)));
  const height = Math.max(1, Math.min(input.height, Math.round(crop.height * scale)));
  return {
    crop,
    content: {
      x: Math.floor((input.width - width) / 2),
      y: Math.floor((input.height - height) / 2),
      width,
      height,
    },
  };
}

/** Clamps a crop to the frame and to whole pixels; a crop outside the frame becomes the whole frame. */
export function clampCrop(crop: Rect | undefined, frameWidth: number, frameHeight: number): Rect {
  if (!crop) return { x: 0, y: 0, width: frameWidth, height: frameHeight };
  const x = Math.max(0, Math.min(frameWidth - 1, Math.round(crop.x)));
  const y = Math.max(0, Math.min(frameHeight - 1, Math.round(crop.y)));
  const width = Math.max(1, Math.min(frameWidth - x, Math.round(crop.width)));
  const height = Math.max(1, Math.min(frameHeight - y, Math.round(crop.height)));
  return { x, y, width, height };
}

/**
 * The model-sized grey image (0–255 floats) before scaling: crop, resize, pad. Training writes this
 * rounded to 8 bits, so a training image and the app's input agree within 1/255.
 */
export function modelSizedGrey(
  frame: GreyImage,
  crop: Rect,
  input: InputGeometry,
): { pixels: Float32Array; placement: InputPlacement } {
  const safeCrop = clampCrop(crop, frame.width, frame.height);
  const placement = placeInInput(safeCrop, input);
  const cropped = cropGrey(frame, safeCrop);
  const { content } = placement;
  const resized = resizeGreyToFloat(cropped, content.width, content.height);
  const pixels = new Float32Array(input.width * input.height);
  for (let y = 0; y < content.height; y++) {
    pixels.set(
      resized.subarray(y * content.width, (y + 1) * content.width),
      (y + content.y) * input.width + content.x,
    );
  }
  return { pixels, placement };
}

export function modelSizedGrey8(frame: GreyImage, crop: Rect, input: InputGeometry): GreyImage {
  const { pixels } = modelSizedGrey(frame, crop, input);
  const out = createGreyImage(input.width, input.height);
  for (let i = 0; i < pixels.length; i++) out.data[i] = Math.round(pixels[i]!);
  return out;
}

/**
 * Scales 0–255 grey values to the model's range, normalises per channel and replicates grey to three
 * channels, writing NHWC float32 into `out` at `offset` (so a batch can share one buffer).
 */
export function normaliseToTensorData(
  pixels: Float32Array,
  input: Pick<ModelInputSpec, 'range' | 'mean' | 'std'>,
  out: Float32Array = new Float32Array(pixels.length * 3),
  offset = 0,
): Float32Array {
  const [lo, hi] = input.range;
  const k = (hi - lo) / 255;
  const [m0, m1, m2] = input.mean;
  const [s0, s1, s2] = input.std;
  for (let i = 0, o = offset; i < pixels.length; i++, o += 3) {
    const v = lo + pixels[i]! * k;
    out[o] = (v - m0) / s0;
    out[o + 1] = (v - m1) / s1;
    out[o + 2] = (v - m2) / s2;
  }
  return out;
}

/** Frame + crop → one model input (NHWC, float32, length H·W·3) and where the crop landed. */
export function prepareModelInput(
  frame: GreyImage,
  crop: Rect,
  input: ModelInputSpec,
  out?: Float32Array,
  offset = 0,
): { data: Float32Array; placement: InputPlacement } {
  const { pixels, placement } = modelSizedGrey(frame, crop, input);
  return { data: normaliseToTensorData(pixels, input, out, offset), placement };
}
