// Frames the input gate must refuse: colour photographs, text and form screenshots, uniform and noise frames, chest X-rays, cardiac views and lung frames under a colour Doppler box.
import type { ClassId, RgbaImage } from '../core/frame/index.ts';
import { drawText, fillRect } from './font.ts';
import { Random } from './random.ts';

export const NEGATIVE_KINDS = [
  'colour-photo',
  'text-screenshot',
  'uniform',
  'noise',
  'chest-xray',
  'cardiac',
  'colour-doppler',
] as const;
export type NegativeKind = (typeof NEGATIVE_KINDS)[number];

export interface NegativeOptions {
  kind: NegativeKind;
  width: number;
  height: number;
  seed: number;
  /**
   * A lung phantom for the colour-Doppler kind (grey, same size). The generator's own phantoms live in
   * index.ts, which imports this file, so the caller hands one in instead of this file importing it.
   */
  lungFrame?: { data: Uint8ClampedArray; width: number; height: number; classId: ClassId };
}

function rgba(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4).fill(255) };
}

function greyToRgbaInto(grey: ArrayLike<number>, out: RgbaImage): void {
  for (let j = 0, i = 0; j < grey.length; j++, i += 4) {
    const v = grey[j]!;
    out.data[i] = v;
    out.data[i + 1] = v;
    out.data[i + 2] = v;
    out.data[i + 3] = 255;
  }
}

/** Separable box blur in place, `passes` times (three passes approximate a Gaussian). */
function blur(values: Float32Array, width: number, height: number, radius: number, passes = 2): void {
  if (radius < 1) return;
  const tmp = new Float32Array(values.length);
  for (let pass = 0; pass < passes; pass++) {
    for (let y = 0; y < height; y++) {
      let acc = 0;
      let n = 0;
      for (let x = -radius; x < width; x++) {
        const add = x + radius;
        if (add < width) {
          acc += values[y * width + add]!;
          n++;
        }
        const drop = x - radius - 1;
        if (drop >= 0) {
          acc -= values[y * width + drop]!;
          n--;
        }
        if (x >= 0) tmp[y * width + x] = acc / n;
      }
    }
    for (let x = 0; x < width; x++) {
      let acc = 0;
      let n = 0;
      for (let y = -radius; y < height; y++) {
        const add = y + radius;
        if (add < height) {
          acc += tmp[add * width + x]!;
          n++;
        }
        const drop = y - radius - 1;
        if (drop >= 0) {
          acc -= tmp[drop * width + x]!;
          n--;
        }
        if (y >= 0) values[y * width + x] = acc / n;
      }
    }
  }
}

/** Smooth random field in 0–1 with blobs about `scale` pixels across. */
function smoothField(rng: Random, width: number, height: number, scale: number): Float32Array {
  const f = new Float32Array(width * height);
  for (let i = 0; i < f.length; i++) f[i] = rng.next();
  blur(f, width, height, Math.max(1, Math.round(scale / 2)), 3);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of f) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  for (let i = 0; i < f.length; i++) f[i] = (f[i]! - lo) / Math.max(1e-6, hi - lo);
  return f;
}

/** A colour photograph-like scene: coloured regions (sky, walls, objects), shading and sensor grain. */
function colourPhoto(rng: Random, width: number, height: number): RgbaImage {
  const out = rgba(width, height);
  const palette = Array.from({ length: rng.int(3, 6) }, () => [
    rng.uniform(20, 235),
    rng.uniform(20, 235),
    rng.uniform(20, 235),
  ]);
  const region = smoothField(rng, width, height, Math.min(width, height) * rng.uniform(0.15, 0.5));
  const shade = smoothField(rng, width, height, Math.min(width, height) * 0.6);
  const detail = smoothField(rng, width, height, rng.uniform(2, 6));
  // A few hard-edged objects, as in a photo of a desk or a keyboard.
  const boxes = Array.from({ length: rng.int(2, 8) }, () => ({
    x: rng.uniform(0, width),
    y: rng.uniform(0, height),
    w: rng.uniform(0.05, 0.4) * width,
    h: rng.uniform(0.05, 0.4) * height,
    colour: palette[rng.int(0, palette.length - 1)]!,
  }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = y * width + x;
      let colour = palette[Math.min(palette.length - 1, Math.floor(region[k]! * palette.length))]!;
      for (const b of boxes) if (x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h) colour = b.colour;
      const light = 0.6 + 0.6 * shade[k]! + 0.25 * (detail[k]! - 0.5);
      for (let c = 0; c < 3; c++) out.data[k * 4 + c] = colour[c]! * light + rng.normal() * 3;
    }
  }
  return out;
}

const FORM_WORDS = [
  'PATIENT NAME',
  'DATE OF BIRTH',
  'WARD',
  'BED',
  'CONSENT',
  'SIGNATURE',
  'MEDICATION',
  'DOSE',
  'ALLERGIES',
  'NONE KNOWN',
  'OBSERVATIONS',
  'TEMPERATURE 37.2',
  'HEART RATE 88',
  'SPO2 96%',
  'RESP RATE 18',
  'DISCHARGE SUMMARY',
  'REFERRAL',
  'NOTES',
];

/** A screenshot of a form or document: flat background, text lines, boxes, a header bar, maybe a grey panel. */
function textScreenshot(rng: Random, width: number, height: number): RgbaImage {
  const dark = rng.chance(0.3);
  const background = dark ? rng.int(20, 50) : rng.int(225, 255);
  const ink = dark ? rng.int(190, 240) : rng.int(0, 60);
  const grey = new Float32Array(width * height).fill(background);
  const scale = Math.max(1, Math.round(Math.min(width, height) / rng.uniform(150, 260)));
  fillRect(grey, width, height, 0, 0, width, rng.uniform(0.05, 0.12) * height, dark ? 70 : rng.int(60, 200));
  let y = 0.15 * height;
  while (y < height - 10 * scale) {
    let x = rng.uniform(0.03, 0.1) * width;
    if (rng.chance(0.3)) {
      fillRect(grey, width, height, x, y - 2, rng.uniform(0.3, 0.8) * width, 9 * scale + 4, dark ? 60 : 235);
    }
    while (x < width * 0.9) {
      const word = FORM_WORDS[rng.int(0, FORM_WORDS.length - 1)]!;
      drawText(grey, width, height, x, y, word, scale, ink);
      x += (word.length + rng.int(1, 6)) * 6 * scale;
      if (rng.chance(0.3)) break;
    }
    if (rng.chance(0.2)) fillRect(grey, width, height, 0.05 * width, y + 9 * scale, 0.9 * width, 1, ink);
    y += rng.uniform(10, 22) * scale;
  }
  const out = rgba(width, height);
  greyToRgbaInto(grey, out);
  // Screens often carry a coloured link or button; a few coloured pixels must not make it a photo.
  if (rng.chance(0.5)) {
    const bx = rng.uniform(0.5, 0.8) * width;
    const by = rng.uniform(0.8, 0.9) * height;
    for (let py = Math.floor(by); py < Math.min(height, by + 10 * scale); py++) {
      for (let px = Math.floor(bx); px < Math.min(width, bx + 40 * scale); px++) {
        const i = (py * width + px) * 4;
        out.data[i] = 30;
        out.data[i + 1] = 100;
        out.data[i + 2] = 220;
      }
    }
  }
  return out;
}

function uniformFrame(rng: Random, width: number, height: number): RgbaImage {
  const out = rgba(width, height);
  const level = rng.chance(0.5) ? rng.pick([0, 255]) : rng.int(0, 255);
  const grain = rng.chance(0.5) ? rng.uniform(0, 1.5) : 0;
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = level + grain * rng.normal();
  greyToRgbaInto(grey, out);
  return out;
}

/** Noise frames: independent grey or colour noise, or salt and pepper, with no spatial structure. */
function noiseFrame(rng: Random, width: number, height: number): RgbaImage {
  const out = rgba(width, height);
  const style = rng.pick(['grey', 'colour', 'salt'] as const);
  const mean = rng.uniform(60, 190);
  const sd = rng.uniform(30, 80);
  for (let k = 0; k < width * height; k++) {
    if (style === 'colour') {
      for (let c = 0; c < 3; c++) out.data[k * 4 + c] = mean + sd * rng.normal();
    } else {
      const v = style === 'salt' ? (rng.chance(0.5) ? 255 : 0) : mean + sd * rng.normal();
      out.data[k * 4] = v;
      out.data[k * 4 + 1] = v;
      out.data[k * 4 + 2] = v;
    }
  }
  return out;
}

/** A chest radiograph: dark lung fields, bright mediastinum and ribs, soft edges, film grain. */
function chestXray(rng: Random, width: number, height: number): RgbaImage {
  const grey = new Float32Array(width * height);
  const cx = width * rng.uniform(0.45, 0.55);
  const lungW = width * rng.uniform(0.18, 0.26);
  const lungH = height * rng.uniform(0.3, 0.4);
  const lungY = height * rng.uniform(0.42, 0.52);
  const ribGap = height * rng.uniform(0.06, 0.09);
  const body = rng.uniform(150, 200);
  const inverted = rng.chance(0.15);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dxBody = (x - cx) / (width * 0.45);
      let v = Math.abs(dxBody) < 1 ? body : 20;
      for (const side of [-1, 1]) {
        const lx = cx + side * width * 0.17;
        const d = ((x - lx) / lungW) ** 2 + ((y - lungY) / lungH) ** 2;
        if (d < 1) v -= (1 - d) ** 0.5 * rng.uniform(95, 105);
      }
      // Ribs: bright arcs across the lung fields.
      const arc = (y + 0.0006 * (x - cx) ** 2) % ribGap;
      if (arc < ribGap * 0.3 && Math.abs(x - cx) > width * 0.06 && Math.abs(dxBody) < 0.95) v += 35;
      // Spine and heart shadow in the middle.
      if (Math.abs(x - cx) < width * 0.05) v += 40;
      const heart =
        ((x - cx - width * 0.05) / (width * 0.14)) ** 2 + ((y - height * 0.62) / (height * 0.17)) ** 2;
      if (heart < 1) v += 60 * (1 - heart) ** 0.5;
      grey[y * width + x] = v;
    }
  }
  blur(grey, width, height, Math.max(1, Math.round(width / 120)), 3);
  for (let i = 0; i < grey.length; i++) {
    const v = grey[i]! + rng.normal() * rng.uniform(0.5, 2.5);
    grey[i] = inverted ? 255 - v : v;
  }
  const out = rgba(width, height);
  greyToRgbaInto(grey, out);
  return out;
}

/**
 * A cardiac-view phantom (apical four-chamber or parasternal long axis) from a phased-array probe:
 * speckled myocardium around dark blood pools, bright valves and pericardium, black outside the sector.
 * Real ultrasound texture, but no pleura and no lung: the model-based part of the gate must refuse it.
 */
export function cardiacPhantom(seed: number, width: number, height: number): RgbaImage {
  const rng = new Random(seed ^ 0xca2d1ac);
  const apexX = width * rng.uniform(0.45, 0.55);
  const apexY = -height * rng.uniform(0, 0.05);
  const half = (rng.uniform(35, 45) * Math.PI) / 180;
  const depth = height * rng.uniform(0.95, 1.05) - apexY;
  const view = rng.chance(0.6) ? 'apical4' : 'parasternal';
  const grainPx = Math.max(1, Math.round(Math.min(width, height) / rng.uniform(150, 260)));
  // Speckle: a Rayleigh envelope of smoothed complex noise, so the grain has a size like real speckle.
  const re = new Float32Array(width * height);
  const im = new Float32Array(width * height);
  for (let i = 0; i < re.length; i++) {
    re[i] = rng.normal();
    im[i] = rng.normal();
  }
  blur(re, width, height, grainPx, 2);
  blur(im, width, height, grainPx, 2);
  const echo = new Float32Array(width * height);
  const chambers: Array<{ x: number; y: number; rx: number; ry: number }> = [];
  if (view === 'apical4') {
    const sx = rng.uniform(0.16, 0.2) * width;
    const w = rng.uniform(0.13, 0.17) * width;
    chambers.push({ x: apexX - sx, y: 0.4 * height, rx: w, ry: 0.2 * height });
    chambers.push({ x: apexX + sx, y: 0.38 * height, rx: w * 0.9, ry: 0.19 * height });
    chambers.push({ x: apexX - sx, y: 0.78 * height, rx: w * 0.95, ry: 0.13 * height });
    chambers.push({ x: apexX + sx, y: 0.78 * height, rx: w * 0.9, ry: 0.13 * height });
  } else {
    chambers.push({ x: apexX + 0.05 * width, y: 0.32 * height, rx: 0.35 * width, ry: 0.07 * height });
    chambers.push({ x: apexX - 0.05 * width, y: 0.6 * height, rx: 0.3 * width, ry: 0.13 * height });
    chambers.push({ x: apexX + 0.25 * width, y: 0.62 * height, rx: 0.12 * width, ry: 0.1 * height });
  }
  const wobble = smoothField(rng, width, height, width * 0.2);
  const muscleDb = rng.uniform(-4, 2);
  const dynamicRange = rng.uniform(45, 65);
  const gain = rng.uniform(-6, 6);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = y * width + x;
      const dx = x - apexX;
      const dy = y - apexY;
      const r = Math.hypot(dx, dy);
      const angle = Math.atan2(dx, dy);
      if (Math.abs(angle) > half || r > depth || dy <= 0) {
        echo[k] = -1;
        continue;
      }
      let db = muscleDb - 8;
      let inBlood = false;
      for (const c of chambers) {
        const d = Math.sqrt(((x - c.x) / c.rx) ** 2 + ((y - c.y) / c.ry) ** 2) + 0.15 * (wobble[k]! - 0.5);
        if (d < 1) inBlood = true;
        else if (d < 1.25) db = Math.max(db, muscleDb + 4);
      }
      if (inBlood) db = -50;
      // Bright pericardium near the bottom and valve leaflets between atria and ventricles.
      if (Math.abs(r / depth - 0.93) < 0.02) db = 12;
      if (view === 'apical4' && Math.abs(y - 0.6 * height) < 0.01 * height && !inBlood) db = 10;
      const envelope = Math.hypot(re[k]!, im[k]!) / Math.SQRT2;
      const linear = 10 ** (db / 20) * envelope;
      const shown = 20 * Math.log10(Math.max(1e-6, linear)) + gain - 0.04 * (r / height) * 100;
      echo[k] = Math.max(0, Math.min(255, ((shown + dynamicRange - 10) / dynamicRange) * 255));
    }
  }
  const out = rgba(width, height);
  for (let k = 0; k < echo.length; k++) {
    const v = echo[k]! < 0 ? 0 : echo[k]!;
    out.data[k * 4] = v;
    out.data[k * 4 + 1] = v;
    out.data[k * 4 + 2] = v;
  }
  if (rng.chance(0.5)) {
    const text = new Float32Array(width * height);
    drawText(text, width, height, 4, 4, rng.pick(['CARDIAC', 'ECHO', 'P4-2', 'S5-1']), 1, 200);
    for (let k = 0; k < text.length; k++) {
      if (text[k]) for (let c = 0; c < 3; c++) out.data[k * 4 + c] = 200;
    }
  }
  return out;
}

/** Colour-flow palette: reds towards the probe, blues away, brighter for faster flow. */
function flowColour(v: number): [number, number, number] {
  const s = Math.min(1, Math.abs(v));
  return v >= 0 ? [120 + 135 * s, 20 + 180 * s * s, 10] : [10, 40 + 160 * s * s, 130 + 125 * s];
}

/** A lung frame with a colour Doppler box: the box outline and red/blue flow patches over the grey image. */
function colourDoppler(
  rng: Random,
  width: number,
  height: number,
  lung: NonNullable<NegativeOptions['lungFrame']>,
): RgbaImage {
  const out = rgba(width, height);
  greyToRgbaInto(lung.data, out);
  // The box sits inside the image, in its upper two thirds, as on a scanner.
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      if (lung.data[y * width + x]! > 12) {
        sx += x;
        sy += y;
        n++;
      }
    }
  }
  const cx = n ? sx / n : width / 2;
  const cy = n ? sy / n : height / 2;
  const bw = width * rng.uniform(0.25, 0.5);
  const bh = height * rng.uniform(0.25, 0.45);
  const x0 = Math.max(0, cx - bw / 2 + rng.uniform(-0.1, 0.1) * width);
  const y0 = Math.max(0, cy - bh * rng.uniform(0.4, 0.8));
  const flow = smoothField(rng, width, height, Math.min(width, height) * rng.uniform(0.04, 0.1));
  const direction = smoothField(rng, width, height, Math.min(width, height) * 0.2);
  // Flow fills a quarter to two thirds of the box: the cut is that quantile of the field inside the box
  // (the smooth field bunches around 0.5, so a fixed cut would sometimes leave the box almost empty).
  const inside: number[] = [];
  for (let y = Math.floor(y0); y < Math.min(height, y0 + bh); y += 2)
    for (let x = Math.floor(x0); x < Math.min(width, x0 + bw); x += 2) inside.push(flow[y * width + x]!);
  inside.sort((a, b) => a - b);
  const cut = inside[Math.floor(inside.length * (1 - rng.uniform(0.25, 0.65)))] ?? 0.5;
  for (let y = Math.floor(y0); y < Math.min(height, y0 + bh); y++) {
    for (let x = Math.floor(x0); x < Math.min(width, x0 + bw); x++) {
      const k = y * width + x;
      const edge = x - x0 < 1.5 || x0 + bw - x < 1.5 || y - y0 < 1.5 || y0 + bh - y < 1.5;
      if (edge) {
        const g = rng.chance(0.5) ? 230 : 180;
        out.data[k * 4] = g;
        out.data[k * 4 + 1] = g;
        out.data[k * 4 + 2] = g;
        continue;
      }
      if (flow[k]! < cut) continue;
      const speed = Math.min(1, (flow[k]! - cut) / (1 - cut) / 0.5);
      const [r, g, b] = flowColour((direction[k]! > 0.5 ? 1 : -1) * (0.3 + 0.7 * speed));
      out.data[k * 4] = r;
      out.data[k * 4 + 1] = g;
      out.data[k * 4 + 2] = b;
    }
  }
  return out;
}

/** Draws one negative frame (deterministic for a seed). */
export function generateNegative(options: NegativeOptions): RgbaImage {
  const { kind, width, height, seed } = options;
  const rng = new Random(seed ^ 0x6e6567);
  switch (kind) {
    case 'colour-photo':
      return colourPhoto(rng, width, height);
    case 'text-screenshot':
      return textScreenshot(rng, width, height);
    case 'uniform':
      return uniformFrame(rng, width, height);
    case 'noise':
      return noiseFrame(rng, width, height);
    case 'chest-xray':
      return chestXray(rng, width, height);
    case 'cardiac':
      return cardiacPhantom(seed, width, height);
    case 'colour-doppler':
      if (!options.lungFrame) throw new Error('colour-doppler negatives need a lung phantom (lungFrame)');
      return colourDoppler(rng, width, height, options.lungFrame);
  }
}
