// Scanner-like frames with a known image rectangle (speckled sector or strip, optional vendor text, ruler and menu): a quick, exact truth for ROI detection, preprocessing and speed checks, simpler than a phantom.

import { createGreyImage, type GreyImage, type Rect } from '../core/frame/index.ts';
import { seededRandom } from '../core/random/index.ts';

export interface TestFrameOptions {
  width: number;
  height: number;
  seed: number;
  shape: 'convex' | 'linear';
  /** Where the ultrasound image is drawn; the truth is the bounding box of the drawn pixels. */
  area: Rect;
  /** Vendor-like text lines, a depth ruler and a grey menu panel around the image. */
  chrome: boolean;
  /** A dark anechoic patch inside the image (effusion-like). */
  fluid: boolean;
}

/** Draws a speckled sector or rectangle; returns the frame and the exact bounding box of its pixels. */
export function makeTestFrame(o: TestFrameOptions): { frame: GreyImage; truth: Rect } {
  const rand = seededRandom(o.seed);
  const frame = createGreyImage(o.width, o.height);
  const { x: ax, y: ay, width: aw, height: ah } = o.area;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  // Convex: apex above the area, arcs of constant range; sector edges at ±half-angle.
  const apexX = ax + aw / 2;
  const radius = ah * 0.25;
  const apexY = ay - radius;
  const halfAngle = Math.atan2(aw / 2, ah + radius) * 0.98;
  for (let y = Math.floor(ay); y < ay + ah; y++) {
    for (let x = Math.floor(ax); x < ax + aw; x++) {
      let inside = true;
      let depth = (y - ay) / ah;
      if (o.shape === 'convex') {
        const dx = x + 0.5 - apexX;
        const dy = y + 0.5 - apexY;
        const r = Math.hypot(dx, dy);
        const theta = Math.atan2(dx, dy);
        inside = r >= radius && r <= radius + ah && Math.abs(theta) <= halfAngle;
        depth = (r - radius) / ah;
      }
      if (!inside) continue;
      const fluid = o.fluid && depth > 0.35 && depth < 0.6 && Math.abs(x - apexX) < aw * 0.25;
      const level = fluid ? 4 : 120 * (1 - 0.5 * depth);
      // Rayleigh-distributed speckle: the envelope of a complex Gaussian.
      const u = Math.max(1e-9, rand());
      const v = Math.min(255, Math.max(fluid ? 0 : 14, level * Math.sqrt(-2 * Math.log(u)) * 0.8));
      frame.data[y * o.width + x] = v;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  if (o.chrome) {
    // Text-like glyph strokes in a banner above and a parameter column left of the image.
    const glyphs = (gx: number, gy: number, count: number, size: number) => {
      for (let g = 0; g < count; g++) {
        for (let k = 0; k < 4; k++) {
          const sx = gx + g * size + Math.floor(rand() * (size - 2));
          const sy = gy + Math.floor(rand() * size);
          const vertical = rand() < 0.5;
          for (let t = 0; t < size; t++) {
            const px = vertical ? sx : sx + Math.floor(t / 2);
            const py = vertical ? sy + Math.floor(t / 2) : sy;
            if (px >= 0 && px < o.width && py >= 0 && py < o.height) frame.data[py * o.width + px] = 230;
          }
        }
      }
    };
    glyphs(Math.floor(ax), Math.max(2, Math.floor(ay) - 22), 18, 9);
    for (let line = 0; line < 6; line++) glyphs(4, Math.floor(ay) + line * 16, 5, 8);
    // Depth ruler: ticks right of the image.
    const rulerX = Math.min(o.width - 8, Math.ceil(ax + aw) + 6);
    for (let y = Math.floor(ay); y < ay + ah; y += Math.round(ah / 10)) {
      for (let t = 0; t < 5; t++) frame.data[y * o.width + rulerX + t] = 200;
    }
    // Flat grey menu panel along the bottom: bright but textureless.
    const panelTop = Math.min(o.height - 4, Math.ceil(ay + ah) + 8);
    for (let y = panelTop; y < o.height; y++) {
      for (let x = 0; x < o.width; x++) frame.data[y * o.width + x] = 70;
    }
  }
  return { frame, truth: { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 } };
}
