// Prepares training images (phantom or real) with the app's own decode → grey → ROI → crop/resize/pad pipeline.
//
// Usage: tsx scripts/data/prepare-training-data.ts --in DIR --out DIR [--size 128] [--clips clips.csv]
//        [--limit-per-class N]
// DIR holds one folder per class (a_lines, b_lines, pleural_effusion, consolidation). The output has the
// same layout with 8-bit grey PNGs at the model's input size and an index.csv describing every frame.
// Training reads these PNGs, divides by 255 and normalises, exactly as normaliseToTensorData does, so
// the network never sees a frame the app would not produce.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  CLASS_IDS,
  type ClassId,
  type GreyImage,
  type Rect,
  rgbaToGrey,
} from '../../src/core/frame/index.ts';
import { clampCrop, modelSizedGrey8 } from '../../src/core/preprocess/index.ts';
import { detectUltrasoundRegion } from '../../src/core/roi/index.ts';
import { decodeImageBuffer, encodeGreyPng } from '../../node/index.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.gif', '.webp']);

export interface TrainingFrame {
  /** Model-sized 8-bit grey image, padded to a square with black (aspect 'pad'). */
  image: GreyImage;
  /** Crop in the decoded frame's pixels (what went into the resize). */
  crop: Rect;
  /** false: the ROI detector found nothing and the whole frame was used (the app would refuse it). */
  roiFound: boolean;
  frameWidth: number;
  frameHeight: number;
}

/**
 * One frame, the app's way (src/inference/framePipeline.ts): decode, BT.601 grey, ROI, crop round-trip
 * through original-frame pixels, then crop → resize → pad. Where the app throws on "no ultrasound found",
 * training falls back to the whole frame so that no labelled frame is silently dropped; the index
 * records it so the fallback frames can be counted and inspected.
 */
export async function prepareTrainingFrame(
  bytes: Uint8Array,
  size: number,
  name?: string,
): Promise<TrainingFrame> {
  const decoded = await decodeImageBuffer(bytes, name);
  const grey = rgbaToGrey(decoded.image);
  const { originalWidth, originalHeight } = decoded;
  const sx = grey.width / originalWidth;
  const sy = grey.height / originalHeight;
  const roi = detectUltrasoundRegion(grey);
  let crop: Rect;
  if (roi.found) {
    // Same round trip as the app (work pixels → original pixels → work pixels), so huge frames that were
    // decoded smaller get the identical crop.
    const original = clampCrop(
      { x: roi.rect.x / sx, y: roi.rect.y / sy, width: roi.rect.width / sx, height: roi.rect.height / sy },
      originalWidth,
      originalHeight,
    );
    crop = clampCrop(
      { x: original.x * sx, y: original.y * sy, width: original.width * sx, height: original.height * sy },
      grey.width,
      grey.height,
    );
  } else {
    crop = clampCrop(undefined, grey.width, grey.height);
  }
  const image = modelSizedGrey8(grey, crop, { width: size, height: size, aspect: 'pad' });
  return { image, crop, roiFound: roi.found, frameWidth: grey.width, frameHeight: grey.height };
}

/** Real frames are named `<clip>_f<frame>.jpg` (pocus-lus); a phantom is its own clip. */
export function clipIdFromFileName(fileName: string): string {
  const stem = basename(fileName, extname(fileName));
  return stem.replace(/_f\d+$/, '');
}

/** Clip ids listed in a clips.csv (first column), so a frame whose clip is unknown fails loudly. */
function readClipIds(path: string): Set<string> {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',') ?? [];
  if (header[0] !== 'clip') throw new Error(`${path}: expected a header starting with "clip"`);
  return new Set(lines.slice(1).map((l) => l.split(',')[0]!));
}

function csvField(value: string | number | boolean): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

interface IndexRow {
  path: string;
  source: string;
  classId: ClassId;
  clip: string;
  frame: TrainingFrame;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      in: { type: 'string' },
      out: { type: 'string' },
      size: { type: 'string', default: '128' },
      clips: { type: 'string' },
      'limit-per-class': { type: 'string' },
    },
  });
  if (!values.in || !values.out) {
    console.error(
      'usage: tsx scripts/data/prepare-training-data.ts --in DIR --out DIR [--size 128] [--clips clips.csv] [--limit-per-class N]',
    );
    process.exit(2);
  }
  const size = Number(values.size);
  if (!Number.isInteger(size) || size < 16 || size > 1024)
    throw new Error('--size must be an integer 16–1024');
  const limit = values['limit-per-class'] !== undefined ? Number(values['limit-per-class']) : Infinity;
  const inDir = resolve(values.in);
  const outDir = resolve(values.out);
  const knownClips = values.clips ? readClipIds(resolve(values.clips)) : undefined;

  const jobs: { classId: ClassId; file: string }[] = [];
  for (const classId of CLASS_IDS) {
    const dir = join(inDir, classId);
    if (!existsSync(dir)) throw new Error(`${dir} is missing: the input needs one folder per class`);
    const files = readdirSync(dir)
      .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
      .sort()
      .slice(0, limit);
    for (const file of files) jobs.push({ classId, file });
  }

  const rows: IndexRow[] = [];
  const started = performance.now();
  for (const [k, job] of jobs.entries()) {
    const source = `${job.classId}/${job.file}`;
    const clip = knownClips ? clipIdFromFileName(job.file) : basename(job.file, extname(job.file));
    if (knownClips && !knownClips.has(clip))
      throw new Error(`${source}: clip "${clip}" is not in the clips file`);
    const bytes = new Uint8Array(readFileSync(join(inDir, source)));
    const frame = await prepareTrainingFrame(bytes, size, source);
    const path = `${job.classId}/${basename(job.file, extname(job.file))}.png`;
    mkdirSync(join(outDir, job.classId), { recursive: true });
    writeFileSync(join(outDir, path), encodeGreyPng(frame.image));
    rows.push({ path, source, classId: job.classId, clip, frame });
    if ((k + 1) % 50 === 0 || k + 1 === jobs.length) {
      const rate = (k + 1) / ((performance.now() - started) / 1000);
      process.stderr.write(
        `\rprepare: ${k + 1}/${jobs.length} (${rate.toFixed(1)}/s, eta ${((jobs.length - k - 1) / rate).toFixed(0)} s)   `,
      );
    }
  }
  process.stderr.write('\n');

  const header = 'path,source,class,clip,roi_found,crop_x,crop_y,crop_w,crop_h,frame_w,frame_h';
  const lines = rows.map((r) =>
    [
      r.path,
      r.source,
      r.classId,
      r.clip,
      r.frame.roiFound ? 1 : 0,
      r.frame.crop.x,
      r.frame.crop.y,
      r.frame.crop.width,
      r.frame.crop.height,
      r.frame.frameWidth,
      r.frame.frameHeight,
    ]
      .map(csvField)
      .join(','),
  );
  writeFileSync(join(outDir, 'index.csv'), `${[header, ...lines].join('\n')}\n`);
  const fallback = rows.filter((r) => !r.frame.roiFound);
  const summary = {
    source: inDir,
    size,
    aspect: 'pad',
    frames: rows.length,
    perClass: Object.fromEntries(CLASS_IDS.map((c) => [c, rows.filter((r) => r.classId === c).length])),
    roiNotFound: fallback.length,
    roiNotFoundFrames: fallback.map((r) => r.source),
    createdAt: new Date().toISOString(),
  };
  writeFileSync(join(outDir, 'prepare.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.error(
    `prepare: ${rows.length} frames → ${outDir} (${fallback.length} without a detected ROI, whole frame used)`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
