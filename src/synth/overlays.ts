// Vendor-like overlays drawn over the frame: depth ruler, focus marker, orientation dot and parameter text.
import type { Rect } from '../core/frame/index.ts';
import { drawText, fillRect, GLYPH_HEIGHT, textWidth } from './font.ts';
import { sectorBox } from './geometry.ts';
import type { OverlayParams, ProbeParams } from './params.ts';
import { probeToPixel, type SectorPlacement } from './scanConvert.ts';

/** The part of the frame an overlay layout uses: the whole frame or a centred 4:3 / 16:9 letterbox. */
export function letterboxArea(width: number, height: number, letterbox: OverlayParams['letterbox']): Rect {
  if (letterbox === 'none') return { x: 0, y: 0, width, height };
  const aspect = letterbox === '4:3' ? 4 / 3 : 16 / 9;
  if (width / height > aspect) {
    const w = Math.round(height * aspect);
    return { x: Math.round((width - w) / 2), y: 0, width: w, height };
  }
  const h = Math.round(width / aspect);
  return { x: 0, y: Math.round((height - h) / 2), width, height: h };
}

/** Room reserved beside the sector for text and the ruler when overlays are on. */
export function overlayImageArea(area: Rect, overlay: OverlayParams, fontScale: number): Rect {
  const lineH = (GLYPH_HEIGHT + 3) * fontScale;
  const top = overlay.textCorner === 'bottom-left' ? lineH : Math.min(area.height * 0.25, lineH * 2);
  return { x: area.x, y: area.y + top, width: area.width, height: area.height - top };
}

export function overlayFontScale(height: number): number {
  return Math.max(1, Math.round(height / 300));
}

export function drawOverlays(
  pixels: Float32Array,
  width: number,
  height: number,
  overlay: OverlayParams,
  probe: ProbeParams,
  placement: SectorPlacement,
  area: Rect,
): void {
  const grey = overlay.grey;
  const s = overlayFontScale(height);
  const box = sectorBox(probe);
  const corners = [
    probeToPixel(placement, box.x0, box.y0),
    probeToPixel(placement, box.x1, box.y0),
    probeToPixel(placement, box.x0, box.y1),
    probeToPixel(placement, box.x1, box.y1),
  ];
  const minX = Math.min(...corners.map((c) => c[0]));
  const maxX = Math.max(...corners.map((c) => c[0]));
  const rulerX = overlay.rulerSide === 'left' ? Math.max(1, minX - 4 * s) : Math.min(width - 2, maxX + 3 * s);
  const apexOffset = probe.kind === 'linear' ? 0 : probe.radiusMm;
  // Depth ruler: a tick per centimetre along the centre line, longer every 5 cm.
  for (let cm = 0; cm * 10 <= probe.depthMm + 1e-6; cm++) {
    const [, y] = probeToPixel(placement, 0, apexOffset + cm * 10);
    const len = (cm % 5 === 0 ? 4 : 2) * s;
    const x0 = overlay.rulerSide === 'left' ? rulerX - len : rulerX;
    fillRect(pixels, width, height, x0, y, len, s, grey);
    if (cm % 5 === 0 && cm > 0) {
      const label = String(cm);
      const tx = overlay.rulerSide === 'left' ? x0 - textWidth(label, s) - s : x0 + len + s;
      drawText(pixels, width, height, tx, y - 3 * s, label, s, grey);
    }
  }
  if (overlay.focusMarker) {
    const [, fy] = probeToPixel(placement, 0, apexOffset + probe.focusDepthMm);
    for (let t = 0; t < 3 * s; t++) {
      const x = overlay.rulerSide === 'left' ? rulerX + 2 * s + t : rulerX - 2 * s - t;
      fillRect(pixels, width, height, x, fy - (3 * s - t) / 2, 1, 3 * s - t, grey);
    }
  }
  if (overlay.orientationDot) {
    const [tx, ty] = corners[placement.flip ? 1 : 0]!;
    const r = 2 * s;
    const cx = Math.min(Math.max(tx, r + 1), width - r - 1);
    const cy = Math.max(ty - r * 2, r + 1);
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        if (dx * dx + dy * dy <= r * r) fillRect(pixels, width, height, cx + dx, cy + dy, 1, 1, grey);
      }
    }
  }
  const lineH = (GLYPH_HEIGHT + 3) * s;
  const shift = overlay.cropped ? -Math.round(3 * s * 6) : 0;
  overlay.textLines.forEach((line, q) => {
    let x: number;
    let y: number;
    if (overlay.textCorner === 'top-left') {
      x = area.x + 2 * s + shift;
      y = area.y + 2 * s + q * lineH;
    } else if (overlay.textCorner === 'top-right') {
      x = area.x + area.width - textWidth(line, s) - 2 * s - shift;
      y = area.y + 2 * s + q * lineH;
    } else {
      x = area.x + 2 * s + shift;
      y = area.y + area.height - (overlay.textLines.length - q) * lineH;
    }
    drawText(pixels, width, height, x, y, line, s, grey);
  });
}
