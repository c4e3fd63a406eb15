// Fake scanner screen: menus, patient banner, measurement text and thumbnails around the ultrasound image.
import type { Rect } from '../core/frame/index.ts';
import { drawText, fillRect, GLYPH_HEIGHT } from './font.ts';
import type { Phantom, PhantomMasks } from './phantomTypes.ts';
import type { PhantomParams } from './params.ts';

function paste(
  dst: Uint8Array | Uint8ClampedArray,
  dstWidth: number,
  src: Uint8Array | Uint8ClampedArray,
  rect: Rect,
): void {
  for (let y = 0; y < rect.height; y++) {
    dst.set(src.subarray(y * rect.width, (y + 1) * rect.width), (rect.y + y) * dstWidth + rect.x);
  }
}

function outline(pixels: Uint8ClampedArray, width: number, height: number, r: Rect, grey: number): void {
  fillRect(pixels, width, height, r.x, r.y, r.width, 1, grey);
  fillRect(pixels, width, height, r.x, r.y + r.height - 1, r.width, 1, grey);
  fillRect(pixels, width, height, r.x, r.y, 1, r.height, grey);
  fillRect(pixels, width, height, r.x + r.width - 1, r.y, 1, r.height, grey);
}

/** Wraps an already rendered ultrasound image (sized to the screen's image rectangle) in the scanner UI. */
export function composeScreen(inner: Phantom, params: PhantomParams): Phantom {
  const screen = params.screen;
  if (!screen) return inner;
  const W = params.width;
  const H = params.height;
  const bg = screen.background;
  const data = new Uint8ClampedArray(W * H).fill(bg);
  const s = Math.max(1, Math.round(H / 300));
  const text = Math.min(255, bg + 150);
  const lineH = (GLYPH_HEIGHT + 3) * s;

  fillRect(data, W, H, 0, 0, W, screen.bannerHeight, Math.min(255, bg + 25));
  let x = 4 * s;
  for (const item of screen.banner) {
    drawText(data, W, H, x, Math.max(1, (screen.bannerHeight - GLYPH_HEIGHT * s) / 2), item, s, text);
    x += (item.length + 3) * 6 * s;
  }

  const menuX = screen.menuSide === 'left' ? 0 : W - screen.menuWidth;
  fillRect(
    data,
    W,
    H,
    menuX,
    screen.bannerHeight,
    screen.menuWidth,
    H - screen.bannerHeight,
    Math.min(255, bg + 12),
  );
  screen.menuItems.forEach((item, q) => {
    const y = screen.bannerHeight + 4 * s + q * (lineH + 4 * s);
    if (y + lineH > H - screen.thumbnailHeight) return;
    outline(
      data,
      W,
      H,
      { x: menuX + 2 * s, y, width: screen.menuWidth - 4 * s, height: lineH + 2 * s },
      Math.min(255, bg + 60),
    );
    drawText(data, W, H, menuX + 4 * s, y + 2 * s, item, s, text);
  });

  const rect: Rect = {
    x: screen.imageX,
    y: screen.imageY,
    width: screen.imageWidth,
    height: screen.imageHeight,
  };
  if (screen.thumbnailHeight > 0 && screen.thumbnails > 0) {
    const th = screen.thumbnailHeight - 4 * s;
    const tw = Math.round(th * (rect.width / rect.height));
    const y0 = H - screen.thumbnailHeight + 2 * s;
    for (let t = 0; t < screen.thumbnails; t++) {
      const x0 = (screen.menuSide === 'left' ? screen.menuWidth : 0) + 4 * s + t * (tw + 4 * s);
      if (x0 + tw > W) break;
      // Thumbnails of earlier frames: this image, shrunk (nearest) and slightly dimmed.
      for (let y = 0; y < th; y++) {
        for (let xx = 0; xx < tw; xx++) {
          const sx = Math.min(rect.width - 1, Math.floor((xx * rect.width) / tw));
          const sy = Math.min(rect.height - 1, Math.floor((y * rect.height) / th));
          const v = inner.image.data[sy * rect.width + sx]! * (0.6 + 0.08 * t);
          const px = x0 + xx;
          const py = y0 + y;
          if (px < W && py < H) data[py * W + px] = v;
        }
      }
      outline(data, W, H, { x: x0 - 1, y: y0 - 1, width: tw + 2, height: th + 2 }, Math.min(255, bg + 80));
    }
  }

  // Measurement text sits in the free space under or beside the image, never inside it.
  const below = rect.y + rect.height + 2 * s;
  if (below + GLYPH_HEIGHT * s < H - screen.thumbnailHeight)
    drawText(data, W, H, rect.x, below, screen.measurement, s, text);
  else if (rect.y - lineH > screen.bannerHeight)
    drawText(data, W, H, rect.x, rect.y - lineH, screen.measurement, s, text);
  if (screen.theme === 'grey')
    outline(
      data,
      W,
      H,
      { x: rect.x - 1, y: rect.y - 1, width: rect.width + 2, height: rect.height + 2 },
      Math.min(255, bg + 40),
    );

  paste(data, W, inner.image.data, rect);
  const n = W * H;
  const sector = new Uint8Array(n);
  paste(sector, W, inner.sector, rect);
  const masks = {} as PhantomMasks;
  for (const key of Object.keys(inner.masks) as Array<keyof PhantomMasks>) {
    masks[key] = new Uint8Array(n);
    paste(masks[key], W, inner.masks[key], rect);
  }
  return {
    image: { width: W, height: H, data },
    masks,
    sector,
    classId: inner.classId,
    params,
    imageRect: rect,
  };
}
