// Proves a frame prepared for training and the same frame preprocessed by the app give the same model input.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ModelInputSpec } from '../../src/core/model/index.ts';
import { prepareFrame } from '../../src/inference/framePipeline.ts';
import { decodeImageBuffer, encodeGreyPng } from '../../node/index.ts';
import { generatePhantom } from '../../src/synth/index.ts';
import { clipIdFromFileName, prepareTrainingFrame } from './prepare-training-data.ts';

const SIZE = 128;
// The values training/train.py passes (run_all.sh); any mean/std would do for this comparison.
const MEAN = 0.16;
const STD = 0.2;
const INPUT: ModelInputSpec = {
  name: 'input',
  height: SIZE,
  width: SIZE,
  channels: 3,
  colour: 'grey-replicated',
  aspect: 'pad',
  range: [0, 1],
  mean: [MEAN, MEAN, MEAN],
  std: [STD, STD, STD],
};

/** What training/lus_train/augment.py's to_input does to a prepared PNG: /255, (v − mean)/std, three channels. */
function pythonSideInput(pngBytes: Buffer): Float32Array {
  const png = PNG.sync.read(pngBytes);
  const out = new Float32Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) {
    // pngjs expands grey to RGBA on read; R holds the grey value.
    const v = (png.data[i * 4]! / 255 - MEAN) / STD;
    out.set([v, v, v], i * 3);
  }
  return out;
}

/** The app's input for the same encoded file: decode → grey → ROI → crop/resize/pad → normalise. */
async function appInput(bytes: Uint8Array): Promise<{ data: Float32Array; cropDetected: boolean }> {
  const decoded = await decodeImageBuffer(bytes);
  const data = new Float32Array(SIZE * SIZE * 3);
  const prepared = await prepareFrame({ pixels: decoded.image, name: 'frame' }, INPUT, data, 0);
  return { data, cropDetected: prepared.cropDetected };
}

/** Largest difference in the 0–1 value range (before mean/std), which is where "within 1/255" applies. */
function maxRangeDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) * STD);
  return worst;
}

async function expectSameInput(bytes: Uint8Array): Promise<void> {
  const prepared = await prepareTrainingFrame(bytes, SIZE);
  expect(prepared.roiFound).toBe(true);
  const trainingInput = pythonSideInput(encodeGreyPng(prepared.image));
  const app = await appInput(bytes);
  expect(app.cropDetected).toBe(true);
  // Rounding to 8 bits is the only difference: at most half a grey level.
  expect(maxRangeDifference(trainingInput, app.data)).toBeLessThanOrEqual(1 / 255);
}

describe('prepare-training-data', () => {
  it('gives the app’s input for a phantom inside a scanner screen, as JPEG (within 1/255)', async () => {
    const phantom = generatePhantom({ classId: 'b_lines', width: 320, height: 240, seed: 11, screen: true });
    const { width, height, data } = phantom.image;
    const jpeg = await sharp(Buffer.from(data), { raw: { width, height, channels: 1 } })
      .jpeg({ quality: 85 })
      .toBuffer();
    await expectSameInput(new Uint8Array(jpeg));
  });

  it('gives the app’s input for a colour PNG with overlays (within 1/255)', async () => {
    const phantom = generatePhantom({
      classId: 'pleural_effusion',
      width: 300,
      height: 260,
      seed: 4,
      overlays: true,
    });
    const { width, height, data } = phantom.image;
    // A slight colour tint exercises the BT.601 grey conversion on both sides.
    const rgb = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) rgb.set([data[i]!, Math.round(data[i]! * 0.9), data[i]!], i * 3);
    const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
    await expectSameInput(new Uint8Array(png));
  });

  const realDir = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'pocus-lus', 'consolidation');
  it.skipIf(!existsSync(realDir))('gives the app’s input for a real frame (within 1/255)', async () => {
    const file = readdirSync(realDir).filter((f) => f.endsWith('.jpg'))[0]!;
    await expectSameInput(new Uint8Array(readFileSync(join(realDir, file))));
  });

  it('falls back to the whole frame when no ultrasound region is found', async () => {
    const flat = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 90, b: 90 } },
    })
      .png()
      .toBuffer();
    const prepared = await prepareTrainingFrame(new Uint8Array(flat), 32);
    expect(prepared.roiFound).toBe(false);
    expect(prepared.crop).toEqual({ x: 0, y: 0, width: 64, height: 48 });
    expect(prepared.image.width).toBe(32);
    expect(prepared.image.height).toBe(32);
  });

  it('takes the clip id from a real frame’s file name', () => {
    expect(clipIdFromFileName('Cov-Atlas-Day_2_f0004.jpg')).toBe('Cov-Atlas-Day_2');
    expect(clipIdFromFileName('Reg_pat1Image_132943_f0000.jpg')).toBe('Reg_pat1Image_132943');
  });
});
