// Decodes an image file into RGBA pixels in a browser (window or worker) with createImageBitmap, safely.

import type { RgbaImage } from '../core';
import { InputProblem, MAX_DECODED_SIDE } from './inputProblem';
import { inspectImageBytes, type ImageHeader } from './sniff';

export interface DecodedFrame {
  image: RgbaImage;
  /** Size of the file's image; `image` may be smaller when a huge frame was downscaled while decoding. */
  originalWidth: number;
  originalHeight: number;
  header: ImageHeader;
}

export async function decodeImageBlob(blob: Blob, name = 'The file'): Promise<DecodedFrame> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const header = inspectImageBytes(bytes, name);
  const scale = Math.min(1, MAX_DECODED_SIDE / Math.max(header.width, header.height));
  let bitmap: ImageBitmap;
  try {
    // Resizing inside createImageBitmap keeps a 12000×12000 frame from ever existing at full size on the GPU.
    bitmap =
      scale < 1
        ? await createImageBitmap(blob, {
            resizeWidth: Math.max(1, Math.round(header.width * scale)),
            resizeHeight: Math.max(1, Math.round(header.height * scale)),
            resizeQuality: 'medium',
          })
        : await createImageBitmap(blob);
  } catch {
    throw new InputProblem(
      'corrupt-image',
      `${name} could not be decoded: the ${header.format.toUpperCase()} data is damaged.`,
    );
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new InputProblem('unreadable', 'This browser cannot read image pixels (no 2D canvas).');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    return {
      image: { width: bitmap.width, height: bitmap.height, data },
      originalWidth: header.width,
      originalHeight: header.height,
      header,
    };
  } finally {
    bitmap.close();
  }
}
