// Plain pixel containers shared by every stage; no DOM types so they work in Node, workers and tests.

/** One byte per pixel, row-major. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Four bytes per pixel (R, G, B, A), row-major, as ImageData and most decoders give. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A pixel rectangle; x/y are the top-left corner. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function createGreyImage(width: number, height: number): GreyImage {
  return { width, height, data: new Uint8ClampedArray(width * height) };
}

/** ITU-R BT.601 luma, the weighting ultrasound scanners use when they export grey frames as RGB. */
export function rgbaToGrey(image: RgbaImage): GreyImage {
  const out = createGreyImage(image.width, image.height);
  const src = image.data;
  const dst = out.data;
  for (let i = 0, j = 0; j < dst.length; i += 4, j++) {
    dst[j] = 0.299 * src[i]! + 0.587 * src[i + 1]! + 0.114 * src[i + 2]!;
  }
  return out;
}

export function greyToRgba(image: GreyImage): RgbaImage {
  const data = new Uint8ClampedArray(image.width * image.height * 4);
  const src = image.data;
  for (let j = 0, i = 0; j < src.length; j++, i += 4) {
    const v = src[j]!;
    data[i] = v;
    data[i + 1] = v;
    data[i + 2] = v;
    data[i + 3] = 255;
  }
  return { width: image.width, height: image.height, data };
}

export function cropGrey(image: GreyImage, rect: Rect): GreyImage {
  const x0 = Math.max(0, Math.floor(rect.x));
  const y0 = Math.max(0, Math.floor(rect.y));
  const x1 = Math.min(image.width, Math.floor(rect.x + rect.width));
  const y1 = Math.min(image.height, Math.floor(rect.y + rect.height));
  const out = createGreyImage(Math.max(0, x1 - x0), Math.max(0, y1 - y0));
  for (let y = y0; y < y1; y++) {
    out.data.set(image.data.subarray(y * image.width + x0, y * image.width + x1), (y - y0) * out.width);
  }
  return out;
}

/**
 * Counters of the pixels in one row or column span that differ from a background grey by more than
 * `threshold`: how the ROI detectors decide where an image's edge lies against a scanner's screen.
 */
export function backgroundDifferenceCounters(
  image: GreyImage,
  background: number,
  threshold: number,
): {
  rowCount: (y: number, x0: number, x1: number) => number;
  colCount: (x: number, y0: number, y1: number) => number;
} {
  const { width, data } = image;
  const differs = (v: number) => Math.abs(v - background) > threshold;
  return {
    rowCount: (y, x0, x1) => {
      let n = 0;
      for (let x = x0; x <= x1; x++) if (differs(data[y * width + x]!)) n++;
      return n;
    },
    colCount: (x, y0, y1) => {
      let n = 0;
      for (let y = y0; y <= y1; y++) if (differs(data[y * width + x]!)) n++;
      return n;
    },
  };
}
