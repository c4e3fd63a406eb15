// Class-activation heat maps: where in the frame the evidence for each sign lies, and how to draw it over the frame.
//
// CAM (Zhou et al. 2016): for a network that ends in global average pooling and one dense layer, the
// score of class c is the mean over positions of Σ_k w[k,c]·f[y,x,k]; that sum at each position is the
// class's activation map. The engine computes it on the backend in the same run as the probabilities.

import { CLASS_IDS, type ClassId, type Rect, type RgbaImage } from '../frame';

export interface HeatMap {
  /** Feature-map cells across and down (e.g. 4×4 for a ResNet at 128 px). */
  width: number;
  height: number;
  /** Raw class activations, row-major cells, four values per cell in CLASS_IDS order. */
  values: Float32Array;
  /** Model input size the cells cover. */
  inputWidth: number;
  inputHeight: number;
  /** Where the crop landed inside the model input (padding outside it is not the frame). */
  content: Rect;
}

/**
 * CAM on plain arrays: features [h·w·channels] (NHWC, one frame) times kernel [channels·classes] gives
 * [h·w·classes]. The engine does the same on the GPU; this one is for the command line and tests.
 */
export function classActivations(
  features: ArrayLike<number>,
  kernel: ArrayLike<number>,
  cells: number,
  channels: number,
  classes: number,
): Float32Array {
  const out = new Float32Array(cells * classes);
  for (let p = 0; p < cells; p++) {
    for (let c = 0; c < classes; c++) {
      let acc = 0;
      for (let k = 0; k < channels; k++) acc += features[p * channels + k]! * kernel[k * classes + c]!;
      out[p * classes + c] = acc;
    }
  }
  return out;
}

/** Reorders the model's class axis onto CLASS_IDS order (the model may list classes differently). */
export function toClassOrder(values: Float32Array, modelClasses: readonly ClassId[]): Float32Array {
  const k = modelClasses.length;
  if (modelClasses.every((id, i) => CLASS_IDS[i] === id)) return values;
  const out = new Float32Array(values.length);
  const cells = values.length / k;
  modelClasses.forEach((id, j) => {
    const target = CLASS_IDS.indexOf(id);
    for (let p = 0; p < cells; p++) out[p * k + target] = values[p * k + j]!;
  });
  return out;
}

/**
 * One class's heat, 0–1 per cell: the positive part of its activation over the largest cell inside the
 * crop. Negative evidence is not drawn (it is "not this sign here", which a colour overlay cannot say
 * clearly), and cells over the padding are zero so the black bars never light up.
 */
export function classHeat(map: HeatMap, classId: ClassId): Float32Array {
  const c = CLASS_IDS.indexOf(classId);
  const k = CLASS_IDS.length;
  const heat = new Float32Array(map.width * map.height);
  let max = 0;
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const p = y * map.width + x;
      const v = insideContent(map, x, y) ? Math.max(0, map.values[p * k + c]!) : 0;
      heat[p] = v;
      if (v > max) max = v;
    }
  }
  if (max > 0) for (let p = 0; p < heat.length; p++) heat[p] = heat[p]! / max;
  return heat;
}

/** Whether a cell's centre lies over the frame rather than over the padding. */
export function insideContent(map: HeatMap, x: number, y: number): boolean {
  const cx = ((x + 0.5) * map.inputWidth) / map.width;
  const cy = ((y + 0.5) * map.inputHeight) / map.height;
  const r = map.content;
  return cx >= r.x && cx < r.x + r.width && cy >= r.y && cy < r.y + r.height;
}

/**
 * Where the whole heat map lies over the frame, in frame pixels: the model input mapped back through the
 * crop. Drawing the map into this rectangle (clipped to the crop) puts every cell over the pixels it saw.
 */
export function heatMapFrameRect(map: HeatMap, crop: Rect): Rect {
  const sx = crop.width / map.content.width;
  const sy = crop.height / map.content.height;
  return {
    x: crop.x - map.content.x * sx,
    y: crop.y - map.content.y * sy,
    width: map.inputWidth * sx,
    height: map.inputHeight * sy,
  };
}

/** A perceptually ordered dark-blue → red → yellow scale; transparent where there is no heat. */
export function heatColour(v: number): [number, number, number, number] {
  const t = Math.max(0, Math.min(1, v));
  const r = Math.round(255 * Math.min(1, 1.8 * t));
  const g = Math.round(255 * Math.max(0, Math.min(1, 2 * t - 0.7)));
  const b = Math.round(255 * Math.max(0, 0.6 - 1.5 * t));
  // The weakest third is not drawn at all and the rest fades in, so a coarse map does not lay a coloured
  // haze over the whole image; the user's slider sets the overall opacity on top of this.
  const a = Math.round(255 * Math.max(0, Math.min(1, (t - 0.3) / 0.5)));
  return [r, g, b, a];
}

/** The heat of one class as a small RGBA image (one pixel per cell), for smooth upscaling when drawn. */
export function heatImage(heat: Float32Array, width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < heat.length; p++) data.set(heatColour(heat[p]!), p * 4);
  return { width, height, data };
}

/** Bilinear upsampling of cell heat to a pixel grid (for PNG export and mass measurements). */
export function upsampleHeat(
  heat: Float32Array,
  width: number,
  height: number,
  outW: number,
  outH: number,
): Float32Array {
  const out = new Float32Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    const fy = Math.max(0, Math.min(height - 1, ((y + 0.5) * height) / outH - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.max(0, Math.min(width - 1, ((x + 0.5) * width) / outW - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const wx = fx - x0;
      const top = heat[y0 * width + x0]! * (1 - wx) + heat[y0 * width + x1]! * wx;
      const bottom = heat[y1 * width + x0]! * (1 - wx) + heat[y1 * width + x1]! * wx;
      out[y * outW + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/**
 * How much of a class's heat falls on a region, against the region's share of the frame, at the heat
 * map's own resolution. `cellMask` marks cells touched by the region (already dilated by the caller);
 * only cells over the frame count. Returns the heat fraction and the area share.
 */
export function heatMassOnRegion(
  map: HeatMap,
  classId: ClassId,
  cellMask: Uint8Array,
): { heatFraction: number; areaShare: number } {
  const heat = classHeat(map, classId);
  let total = 0;
  let onRegion = 0;
  let cells = 0;
  let regionCells = 0;
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      if (!insideContent(map, x, y)) continue;
      const p = y * map.width + x;
      cells++;
      total += heat[p]!;
      if (cellMask[p]) {
        regionCells++;
        onRegion += heat[p]!;
      }
    }
  }
  return { heatFraction: total > 0 ? onRegion / total : 0, areaShare: cells ? regionCells / cells : 0 };
}

/**
 * A pixel mask in model-input pixels (crop resized and padded like the frame) reduced to feature cells:
 * a cell is marked when at least `minShare` of its pixels are, then dilated by `dilate` cells.
 */
export function maskToCells(
  mask: Uint8Array,
  inputWidth: number,
  inputHeight: number,
  width: number,
  height: number,
  dilate = 1,
  minShare = 0.05,
): Uint8Array {
  const cells = new Uint8Array(width * height);
  for (let cy = 0; cy < height; cy++) {
    for (let cx = 0; cx < width; cx++) {
      const x0 = Math.floor((cx * inputWidth) / width);
      const x1 = Math.floor(((cx + 1) * inputWidth) / width);
      const y0 = Math.floor((cy * inputHeight) / height);
      const y1 = Math.floor(((cy + 1) * inputHeight) / height);
      let on = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) on += mask[y * inputWidth + x]! ? 1 : 0;
      if (on >= minShare * (x1 - x0) * (y1 - y0) && on > 0) cells[cy * width + cx] = 1;
    }
  }
  if (dilate <= 0) return cells;
  const out = new Uint8Array(cells.length);
  for (let cy = 0; cy < height; cy++) {
    for (let cx = 0; cx < width; cx++) {
      let hit = 0;
      for (let dy = -dilate; dy <= dilate && !hit; dy++) {
        for (let dx = -dilate; dx <= dilate; dx++) {
          const x = cx + dx;
          const y = cy + dy;
          if (x >= 0 && y >= 0 && x < width && y < height && cells[y * width + x]) {
            hit = 1;
            break;
          }
        }
      }
      out[cy * width + cx] = hit;
    }
  }
  return out;
}
