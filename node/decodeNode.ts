// Decodes an image file into RGBA pixels in Node with sharp (libvips), applying the same checks as the browser.

import sharp from 'sharp';
import type { RgbaImage } from '../src/core';
import { InputProblem, MAX_DECODED_SIDE } from '../src/sources/inputProblem';
import { inspectImageBytes, type ImageHeader } from '../src/sources/sniff';

export interface DecodedFrame {
  image: RgbaImage;
  originalWidth: number;
  originalHeight: number;
  header: ImageHeader;
}

export async function decodeImageBuffer(bytes: Uint8Array, name = 'The file'): Promise<DecodedFrame> {
  const header = inspectImageBytes(bytes, name);
  const scale = Math.min(1, MAX_DECODED_SIDE / Math.max(header.width, header.height));
  try {
    // Pages 0 only: an animated GIF is read as its first frame, as in the browser. No colour-profile
    // conversion, so pixel values match createImageBitmap's default (no colour-space conversion for grey).
    let pipeline = sharp(bytes, { pages: 1, failOn: 'error', limitInputPixels: 200_000_000 }).ensureAlpha();
    if (scale < 1) {
      pipeline = pipeline.resize(Math.round(header.width * scale), Math.round(header.height * scale), {
        fit: 'fill',
      });
    }
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    return {
      image: {
        width: info.width,
        height: info.height,
        data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
      },
      originalWidth: header.width,
      originalHeight: header.height,
      header,
    };
  } catch (error) {
    if (error instanceof InputProblem) throw error;
    throw new InputProblem(
      'corrupt-image',
      `${name} could not be decoded: the ${header.format.toUpperCase()} data is damaged.`,
    );
  }
}
