// Renders the phantom contact sheet (8 per sign with masks) and, when real frames are available, a phantom-vs-real sheet.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { CLASS_IDS, CLASS_NAMES, type ClassId } from '../../src/core/frame/index.ts';
import { drawText } from '../../src/synth/font.ts';
import { generatePhantom, type Phantom } from '../../src/synth/index.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'docs/synth-contact-sheet.png' },
    compare: { type: 'string', default: 'docs/real-compare/phantoms-vs-real.png' },
    real: { type: 'string', default: '../shared/data/pocus-lus' },
    seed: { type: 'string', default: '1' },
    per: { type: 'string', default: '8' },
    width: { type: 'string', default: '160' },
    height: { type: 'string', default: '120' },
  },
});

const SEED = Number(values.seed);
const PER = Number(values.per);
const CW = Number(values.width);
const CH = Number(values.height);
const LABEL_H = 12;

// Mask colours: pleura yellow, A-lines cyan, B-lines magenta, effusion blue, consolidation orange.
const MASK_COLOURS: Array<[keyof Phantom['masks'], [number, number, number]]> = [
  ['effusion', [40, 90, 255]],
  ['consolidation', [255, 140, 0]],
  ['bLines', [230, 40, 230]],
  ['aLines', [0, 220, 220]],
  ['pleura', [255, 230, 0]],
];

class Canvas {
  readonly rgb: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgb = new Uint8Array(width * height * 3);
  }
  putGrey(x0: number, y0: number, w: number, h: number, grey: ArrayLike<number>): void {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = grey[y * w + x]!;
        const o = ((y0 + y) * this.width + x0 + x) * 3;
        this.rgb[o] = v;
        this.rgb[o + 1] = v;
        this.rgb[o + 2] = v;
      }
    }
  }
  putMasks(x0: number, y0: number, p: Phantom): void {
    const { width: w, height: h } = p.image;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const k = y * w + x;
        let c: [number, number, number] = p.sector[k] ? [28, 28, 28] : [0, 0, 0];
        for (const [name, colour] of MASK_COLOURS) if (p.masks[name][k]) c = colour;
        const o = ((y0 + y) * this.width + x0 + x) * 3;
        this.rgb[o] = c[0];
        this.rgb[o + 1] = c[1];
        this.rgb[o + 2] = c[2];
      }
    }
  }
  text(x: number, y: number, s: string): void {
    const grey = new Uint8Array(this.width * this.height);
    drawText(grey, this.width, this.height, x, y, s, 1, 255);
    for (let k = 0; k < grey.length; k++) {
      if (grey[k]) this.rgb.fill(255, k * 3, k * 3 + 3);
    }
  }
  write(path: string): void {
    const png = new PNG({
      width: this.width,
      height: this.height,
      colorType: 2,
      inputColorType: 2,
      inputHasAlpha: false,
    });
    png.data = Buffer.from(this.rgb);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, deflateLevel: 9 }),
    );
  }
}

function phantomsFor(classId: ClassId, count: number, width: number, height: number): Phantom[] {
  const out: Phantom[] = [];
  for (let n = 0; n < count; n++) {
    const seed = SEED * 100_000 + CLASS_IDS.indexOf(classId) * 1000 + n;
    out.push(generatePhantom({ classId, width, height, seed, augment: false }));
  }
  return out;
}

function contactSheet(): void {
  const canvas = new Canvas(PER * CW, CLASS_IDS.length * (2 * CH + LABEL_H));
  CLASS_IDS.forEach((classId, row) => {
    const y0 = row * (2 * CH + LABEL_H);
    canvas.text(2, y0 + 2, `${CLASS_NAMES[classId]}: phantoms (top) and masks (bottom)`.toUpperCase());
    phantomsFor(classId, PER, CW, CH).forEach((p, col) => {
      canvas.putGrey(col * CW, y0 + LABEL_H, CW, CH, p.image.data);
      canvas.putMasks(col * CW, y0 + LABEL_H + CH, p);
    });
  });
  canvas.write(values.out!);
  console.log(`wrote ${values.out}`);
}

/** Real frames of one sign, one per clip, centre-cropped to the cell's aspect and resized like the phantoms. */
async function realFrames(classId: ClassId, count: number): Promise<Uint8Array[]> {
  const dir = join(values.real!, classId);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  const byClip = new Map<string, string>();
  for (const f of files) {
    const clip = f.replace(/_f\d+\.jpg$/, '');
    if (!byClip.has(clip)) byClip.set(clip, f);
  }
  const chosen = [...byClip.values()]
    .filter((_, k, all) => k % Math.max(1, Math.floor(all.length / count)) === 0)
    .slice(0, count);
  return Promise.all(
    chosen.map(async (f) => {
      const buf = await sharp(join(dir, f)).greyscale().resize(CW, CH, { fit: 'fill' }).raw().toBuffer();
      return new Uint8Array(buf);
    }),
  );
}

async function compareSheet(): Promise<void> {
  if (!existsSync(values.real!)) {
    console.log(`no real frames at ${values.real}; skipping the comparison sheet`);
    return;
  }
  const canvas = new Canvas(PER * CW, CLASS_IDS.length * (2 * CH + LABEL_H));
  for (const [row, classId] of CLASS_IDS.entries()) {
    const y0 = row * (2 * CH + LABEL_H);
    canvas.text(2, y0 + 2, `${CLASS_NAMES[classId]}: phantoms (top) vs real frames (bottom)`.toUpperCase());
    phantomsFor(classId, PER, CW, CH).forEach((p, col) =>
      canvas.putGrey(col * CW, y0 + LABEL_H, CW, CH, p.image.data),
    );
    (await realFrames(classId, PER)).forEach((g, col) =>
      canvas.putGrey(col * CW, y0 + LABEL_H + CH, CW, CH, g),
    );
  }
  canvas.write(values.compare!);
  console.log(`wrote ${values.compare}`);
}

contactSheet();
await compareSheet();
