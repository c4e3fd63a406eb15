// Turns a classified file into what a case stores: the cropped region (or the whole frame) as PNG, and a thumbnail.

import type { Rect } from '../../../core';
import type { ImageKind } from '../../../store';

/** Larger regions are scaled down when stored; ultrasound frames rarely exceed this. */
export const MAX_STORED_SIDE = 2048;
export const THUMBNAIL_SIDE = 200;
/** Very large files are decoded at a reduced size first, as the inference worker does. */
const MAX_DECODE_SIDE = 4096;

export interface CaseImages {
  image: Blob;
  imageKind: ImageKind;
  imageWidth: number;
  imageHeight: number;
  thumbnail: Blob;
}

export function canvasOf(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

export function encode(
  canvas: OffscreenCanvas | HTMLCanvasElement,
  type: string,
  quality?: number,
): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality });
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('the image could not be encoded'))),
      type,
      quality,
    ),
  );
}

export function draw(
  source: CanvasImageSource,
  region: Rect,
  width: number,
  height: number,
): OffscreenCanvas | HTMLCanvasElement {
  const canvas = canvasOf(width, height);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('this browser cannot draw images (no 2D canvas)');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, region.x, region.y, region.width, region.height, 0, 0, width, height);
  return canvas;
}

export const fit = (w: number, h: number, side: number) => {
  const s = Math.min(1, side / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
};

/**
 * By default only the ultrasound region is kept: scanner banners carry patient names. `keepFullFrame`
 * (a library setting) keeps the whole screen. The PNG bytes are what the case id fingerprints.
 */
export async function prepareCaseImages(
  file: Blob,
  crop: Rect,
  frameWidth: number,
  frameHeight: number,
  keepFullFrame: boolean,
): Promise<CaseImages> {
  const scale = Math.min(1, MAX_DECODE_SIDE / Math.max(frameWidth, frameHeight));
  const bitmap =
    scale < 1
      ? await createImageBitmap(file, {
          resizeWidth: Math.round(frameWidth * scale),
          resizeHeight: Math.round(frameHeight * scale),
          resizeQuality: 'high',
        })
      : await createImageBitmap(file);
  try {
    const region = keepFullFrame ? { x: 0, y: 0, width: frameWidth, height: frameHeight } : crop;
    const scaled = {
      x: Math.round(region.x * scale),
      y: Math.round(region.y * scale),
      width: Math.max(1, Math.round(region.width * scale)),
      height: Math.max(1, Math.round(region.height * scale)),
    };
    const size = fit(scaled.width, scaled.height, MAX_STORED_SIDE);
    const stored = draw(bitmap, scaled, size.width, size.height);
    const image = await encode(stored, 'image/png');
    // The thumbnail always shows the ultrasound region, whatever is stored.
    const cropScaled = {
      x: Math.round(crop.x * scale),
      y: Math.round(crop.y * scale),
      width: Math.max(1, Math.round(crop.width * scale)),
      height: Math.max(1, Math.round(crop.height * scale)),
    };
    const t = fit(cropScaled.width, cropScaled.height, THUMBNAIL_SIDE);
    const thumbnail = await encode(draw(bitmap, cropScaled, t.width, t.height), 'image/jpeg', 0.8);
    return {
      image,
      imageKind: keepFullFrame ? 'full-frame' : 'cropped',
      imageWidth: size.width,
      imageHeight: size.height,
      thumbnail,
    };
  } finally {
    bitmap.close();
  }
}
