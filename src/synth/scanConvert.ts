// Scan conversion: places the sector in the frame (zoom, shift, rotation, flip) and resamples beam space to pixels.
import type { Rect } from '../core/frame/index.ts';
import { type BeamGrid, lineSpacingMm, type ProbeGeometry, probeToBeam, sectorBox } from './geometry.ts';
import { blurAcrossLines, blurAlongDepth, gaussianKernel, kernelCache } from './formation.ts';
import type { PlacementParams } from './params.ts';

/** Where the sector sits in the output frame. */
export interface SectorPlacement {
  width: number;
  height: number;
  /** Pixels per millimetre. */
  scale: number;
  /** Pixel position of the sector box's centre. */
  cx: number;
  cy: number;
  /** Probe-coordinate centre of the sector box (mm). */
  bx: number;
  by: number;
  cos: number;
  sin: number;
  flip: boolean;
}

/** Fits the sector into `area` (the frame, or the letterboxed part of it) as the placement parameters say. */
export function placeSector(
  geometry: ProbeGeometry,
  placement: PlacementParams,
  width: number,
  height: number,
  area: Rect,
  /** The most of the sector's top (mm) that may be cropped away: keeps the pleura in view. */
  maxTopCropMm = Infinity,
): SectorPlacement {
  const box = sectorBox(geometry);
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const scale = Math.min((placement.fill * area.width) / bw, (placement.fitHeight * area.height) / bh);
  const cx = area.x + area.width / 2 + placement.shiftXFrac * area.width;
  const cy = area.y + Math.max(placement.topFrac * area.height, -maxTopCropMm * scale) + (bh * scale) / 2;
  const angle = (placement.rotationDeg * Math.PI) / 180;
  return {
    width,
    height,
    scale,
    cx,
    cy,
    bx: (box.x0 + box.x1) / 2,
    by: (box.y0 + box.y1) / 2,
    cos: Math.cos(angle),
    sin: Math.sin(angle),
    flip: placement.flip,
  };
}

export function pixelToProbe(p: SectorPlacement, px: number, py: number): [number, number] {
  const dx = px - p.cx;
  const dy = py - p.cy;
  const xr = dx * p.cos + dy * p.sin;
  const yr = -dx * p.sin + dy * p.cos;
  let x = xr / p.scale + p.bx;
  const y = yr / p.scale + p.by;
  if (p.flip) x = -x;
  return [x, y];
}

export function probeToPixel(p: SectorPlacement, x: number, y: number): [number, number] {
  const xx = ((p.flip ? -x : x) - p.bx) * p.scale;
  const yy = (y - p.by) * p.scale;
  return [p.cx + xx * p.cos - yy * p.sin, p.cy + xx * p.sin + yy * p.cos];
}

export interface ConvertedFrame {
  /** Grey levels 0–255 (float), 0 outside the sector. */
  image: Float32Array;
  sector: Uint8Array;
  labels: Uint8Array;
}

/**
 * Resamples beam space onto the pixel grid (bilinear for the image, nearest for labels), after a low-pass
 * matched to the pixel size so fine speckle is averaged like a real downscaled frame rather than aliased.
 */
export function scanConvert(
  grid: BeamGrid,
  beamImage: Float32Array,
  beamLabels: Uint8Array,
  p: SectorPlacement,
): ConvertedFrame {
  const L = grid.lines;
  const S = grid.samples;
  const pixelMm = 1 / p.scale;
  const smoothed = new Float32Array(beamImage.length);
  const tmp = new Float32Array(beamImage.length);
  const axial = (0.6 * pixelMm) / grid.dr;
  if (axial >= 0.5) {
    blurAlongDepth(beamImage, L, S, gaussianKernel(axial, 'sum'), tmp);
  } else tmp.set(beamImage);
  const kernels = kernelCache('sum');
  blurAcrossLines(
    tmp,
    L,
    S,
    (j) => {
      const sigma = (0.6 * pixelMm) / lineSpacingMm(grid, j * grid.dr);
      return sigma >= 0.5 ? kernels(sigma) : null;
    },
    smoothed,
  );

  const W = p.width;
  const H = p.height;
  const image = new Float32Array(W * H);
  const sector = new Uint8Array(W * H);
  const labels = new Uint8Array(W * H);
  const pos = new Float64Array(2);
  for (let py = 0; py < H; py++) {
    for (let px = 0; px < W; px++) {
      const [x, y] = pixelToProbe(p, px + 0.5, py + 0.5);
      if (!probeToBeam(grid, x, y, pos)) continue;
      const fi = pos[0]!;
      const fj = pos[1]!;
      const i0 = Math.min(Math.floor(fi), L - 2);
      const j0 = Math.min(Math.floor(fj), S - 2);
      const a = fi - i0;
      const b = fj - j0;
      const k = j0 * L + i0;
      const v =
        (1 - b) * ((1 - a) * smoothed[k]! + a * smoothed[k + 1]!) +
        b * ((1 - a) * smoothed[k + L]! + a * smoothed[k + L + 1]!);
      const o = py * W + px;
      image[o] = v;
      sector[o] = 1;
      labels[o] = beamLabels[Math.round(fj) * L + Math.round(fi)]!;
    }
  }
  return { image, sector, labels };
}
