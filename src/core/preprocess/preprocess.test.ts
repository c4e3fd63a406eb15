// Resize and normalisation values, and where a crop lands in the model input.
import { describe, expect, it } from 'vitest';
import { createGreyImage, resizeGrey, resizeGreyToFloat } from '../frame';
import { modelSizedGrey, normaliseToTensorData, placeInInput, prepareModelInput } from './preprocess';
import type { ModelInputSpec } from '../model';

const input: ModelInputSpec = {
  name: 'input',
  width: 4,
  height: 4,
  channels: 3,
  colour: 'grey-replicated',
  aspect: 'stretch',
  range: [0, 1],
  mean: [0.5, 0.25, 0],
  std: [0.5, 0.25, 1],
};

describe('resize', () => {
  it('averages areas exactly when shrinking by a whole factor', () => {
    const img = createGreyImage(4, 2);
    img.data.set([0, 10, 20, 30, 40, 50, 60, 70]);
    const out = resizeGreyToFloat(img, 2, 1);
    expect(Array.from(out)).toEqual([(0 + 10 + 40 + 50) / 4, (20 + 30 + 60 + 70) / 4]);
  });
  it('weights fractional pixels when shrinking by 1.5', () => {
    const img = createGreyImage(3, 1);
    img.data.set([0, 90, 30]);
    const out = resizeGreyToFloat(img, 2, 1);
    // First output covers [0, 1.5): pixel 0 fully, pixel 1 half → (0 + 45) / 1.5 = 30.
    expect(out[0]).toBeCloseTo(30, 5);
    expect(out[1]).toBeCloseTo((45 + 30) / 1.5, 5);
  });
  it('interpolates bilinearly when enlarging and keeps constant images constant', () => {
    const img = createGreyImage(2, 1);
    img.data.set([0, 100]);
    const out = resizeGreyToFloat(img, 4, 1);
    expect(Array.from(out)).toEqual([0, 25, 75, 100]);
    const flat = createGreyImage(7, 5);
    flat.data.fill(77);
    expect(resizeGrey(flat, 3, 11).data.every((v) => v === 77)).toBe(true);
  });
});

describe('normalisation', () => {
  it('scales to the range, subtracts the mean and divides by std per channel', () => {
    const out = normaliseToTensorData(new Float32Array([0, 255]), input);
    expect(Array.from(out)).toEqual([-1, -1, 0, 1, 3, 1]);
  });
  it('supports a 0–255 range', () => {
    const out = normaliseToTensorData(new Float32Array([51]), {
      range: [0, 255],
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    expect(Array.from(out)).toEqual([51, 51, 51]);
  });
});

describe('aspect policy', () => {
  it('pads a wide crop into a square input, centred', () => {
    const p = placeInInput({ x: 0, y: 0, width: 200, height: 100 }, { width: 64, height: 64, aspect: 'pad' });
    expect(p.content).toEqual({ x: 0, y: 16, width: 64, height: 32 });
  });
  it('stretches when asked', () => {
    const p = placeInInput(
      { x: 0, y: 0, width: 200, height: 100 },
      { width: 64, height: 64, aspect: 'stretch' },
    );
    expect(p.content).toEqual({ x: 0, y: 0, width: 64, height: 64 });
  });
  it('leaves the pad bars black (zero before normalisation)', () => {
    const img = createGreyImage(8, 4);
    img.data.fill(200);
    const { pixels } = modelSizedGrey(
      img,
      { x: 0, y: 0, width: 8, height: 4 },
      { width: 4, height: 4, aspect: 'pad' },
    );
    expect(Array.from(pixels)).toEqual([0, 0, 0, 0, 200, 200, 200, 200, 200, 200, 200, 200, 0, 0, 0, 0]);
  });
  it('crops before resizing and writes NHWC into a batch buffer at an offset', () => {
    const img = createGreyImage(8, 8);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) img.data[y * 8 + x] = x < 4 ? 0 : 255;
    const batch = new Float32Array(2 * 4 * 4 * 3);
    prepareModelInput(img, { x: 4, y: 0, width: 4, height: 8 }, input, batch, 48);
    // The right half is white: (1 - 0.5) / 0.5 = 1 in channel 0 everywhere; first frame untouched.
    expect(batch[0]).toBe(0);
    for (let i = 48; i < 96; i += 3) expect(batch[i]).toBeCloseTo(1, 6);
  });
});
