// Writes frames as PNG files in Node (generated phantoms, prepared training frames, test fixtures): one encoder.

import { PNG } from 'pngjs';
import type { GreyImage } from '../src/core';

/** An 8-bit grey PNG: one channel, no alpha, so the file holds exactly the pixel values given. */
export function encodeGreyPng(image: GreyImage): Buffer {
  const png = new PNG({
    width: image.width,
    height: image.height,
    colorType: 0,
    inputColorType: 0,
    inputHasAlpha: false,
  });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** An RGBA PNG from packed RGBA bytes. */
export function encodeRgbaPng(width: number, height: number, rgba: Uint8Array): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png);
}
