// Writes one frame with its heat map blended over it (the top sign, or every sign side by side) as a PNG, for `lus-signs score --explain DIR`.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';
import {
  classHeat,
  heatColour,
  heatMapFrameRect,
  upsampleHeat,
  type FrameResult,
  type RgbaImage,
} from '../src/core/index.ts';

/** Frame pixels with the heat of `classId` blended in at `opacity`, inside the crop only. */
export function blendHeat(
  frame: RgbaImage,
  result: FrameResult,
  classId = result.top,
  opacity = 0.5,
): RgbaImage {
  const out = new Uint8ClampedArray(frame.data);
  const map = result.heatMap;
  if (!map) return { ...frame, data: out };
  const rect = heatMapFrameRect(map, result.crop);
  // Heat on the frame's pixel grid: upsample the cells across the rectangle the model input covers.
  const w = Math.max(1, Math.round(rect.width));
  const h = Math.max(1, Math.round(rect.height));
  const heat = upsampleHeat(classHeat(map, classId), map.width, map.height, w, h);
  const { crop } = result;
  for (let y = Math.max(0, Math.floor(crop.y)); y < Math.min(frame.height, crop.y + crop.height); y++) {
    for (let x = Math.max(0, Math.floor(crop.x)); x < Math.min(frame.width, crop.x + crop.width); x++) {
      const hx = Math.floor(((x - rect.x) / rect.width) * w);
      const hy = Math.floor(((y - rect.y) / rect.height) * h);
      if (hx < 0 || hy < 0 || hx >= w || hy >= h) continue;
      const [r, g, b, a] = heatColour(heat[hy * w + hx]!);
      const k = (a / 255) * opacity;
      const i = (y * frame.width + x) * 4;
      out[i] = out[i]! * (1 - k) + r * k;
      out[i + 1] = out[i + 1]! * (1 - k) + g * k;
      out[i + 2] = out[i + 2]! * (1 - k) + b * k;
    }
  }
  return { width: frame.width, height: frame.height, data: out };
}

/** `<dir>/<path>.heat.png`: the top sign's heat; a refused frame gets `.refused` in its name so no one mistakes it. */
export function explainPath(dir: string, path: string, refused: boolean): string {
  return `${dir}/${path}${refused ? '.refused' : ''}.heat.png`;
}

export async function writeExplainPng(file: string, frame: RgbaImage, result: FrameResult): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const blended = blendHeat(frame, result);
  await sharp(Buffer.from(blended.data.buffer, blended.data.byteOffset, blended.data.byteLength), {
    raw: { width: blended.width, height: blended.height, channels: 4 },
  })
    .png()
    .toFile(file);
}
