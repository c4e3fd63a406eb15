// The input gate's pure parts: the feature distance, reading the metadata's statistics, and each image check's verdict.
import { describe, expect, it } from 'vitest';
import {
  colourEvidence,
  featureScore,
  gateVerdict,
  judgeImage,
  parseGateReference,
  viewScore,
  type ImageEvidence,
} from '.';

const stats = {
  kind: 'pooled-features',
  mean: [1, 2, 3, 4],
  variance: [1, 1, 1, 1],
  principalComponents: [[1, 0, 0, 0]],
  principalVariances: [4],
  residualVariance: 0.25,
  threshold: 3,
};

const ultrasound: ImageEvidence = {
  colourShare: 0,
  colourInImageShare: 0,
  brightShare: 0.7,
  neighbourCorrelation: 0.95,
  medianLocalRange: 14,
  flatShare: 0.4,
  sharpEdgeShare: 0.01,
  coarseRange: 22,
  coarseContrast: 0.4,
  blockStructure: 1.5,
};

describe('input gate', () => {
  it('scores the training mean 0 and grows with distance along and off the principal direction', () => {
    const ref = parseGateReference(stats)!;
    expect(ref.threshold).toBe(3);
    expect(featureScore(ref, [1, 2, 3, 4])).toBe(0);
    // Along the principal direction: 2² / 4 = 1, over 4 features.
    expect(featureScore(ref, [3, 2, 3, 4])).toBeCloseTo(0.25, 10);
    // Off it: 1² / 0.25 = 4, over 4 features.
    expect(featureScore(ref, [1, 3, 3, 4])).toBeCloseTo(1, 10);
  });

  it('switches the model check off for missing or malformed statistics instead of failing', () => {
    expect(parseGateReference(undefined)).toBeNull();
    expect(parseGateReference({ ...stats, kind: 'other' })).toBeNull();
    expect(parseGateReference({ ...stats, principalComponents: [[1, 0]] })).toBeNull();
    expect(parseGateReference({ ...stats, residualVariance: 0 })).toBeNull();
    const { threshold: _, ...uncalibrated } = stats;
    expect(parseGateReference(uncalibrated)?.threshold).toBeUndefined();
  });

  it('names the first failed image check', () => {
    expect(judgeImage(ultrasound)).toBeNull();
    expect(judgeImage({ ...ultrasound, colourShare: 0.6 })).toBe('colour-photo');
    expect(judgeImage({ ...ultrasound, colourInImageShare: 0.05 })).toBe('colour-doppler');
    expect(judgeImage({ ...ultrasound, flatShare: 0.9, sharpEdgeShare: 0.95 })).toBe('text-screenshot');
    expect(judgeImage({ ...ultrasound, neighbourCorrelation: 0.01, blockStructure: 0.03 })).toBe('noise');
    // Independent pixels inside a structured image (a coarse test frame) are not refused as noise.
    expect(judgeImage({ ...ultrasound, neighbourCorrelation: 0.01, blockStructure: 0.8 })).toBeNull();
    expect(judgeImage({ ...ultrasound, brightShare: 1, coarseContrast: 0.1 })).toBe('no-speckle');
    expect(judgeImage({ ...ultrasound, brightShare: 0.6, coarseContrast: 0.1 })).toBeNull();
  });

  it('refuses on the model check only above the threshold, and says which parts took part', () => {
    expect(gateVerdict(null, ultrasound, { score: 2.9, threshold: 3 })).toMatchObject({
      pass: true,
      modelChecked: true,
    });
    expect(gateVerdict(null, ultrasound, { score: 3.1, threshold: 3 })).toMatchObject({
      pass: false,
      reason: 'unfamiliar',
      message: expect.stringMatching(/unlike anything the model was trained on/),
    });
    expect(gateVerdict(null, ultrasound, null)).toMatchObject({ pass: true, modelChecked: false });
    expect(gateVerdict('colour-doppler', ultrasound, null).message).toBe(
      'Colour overlay present; freeze a plain B-mode frame.',
    );
  });

  it('reads a known non-lung view from the metadata and ignores unknown or malformed ones', () => {
    const cardiac = { kind: 'cardiac', weights: [0, 1, 0, 0], bias: -2.5, threshold: 0.5 };
    const ref = parseGateReference({ ...stats, nonLung: [cardiac] })!;
    expect(ref.views).toHaveLength(1);
    expect(ref.views[0]).toMatchObject({
      kind: 'cardiac',
      reason: 'cardiac-view',
      bias: -2.5,
      threshold: 0.5,
    });
    expect(viewScore(ref.views[0]!, [1, 2, 3, 4])).toBeCloseTo(-0.5, 10);
    expect(viewScore(ref.views[0]!, [1, 4, 3, 4])).toBeCloseTo(1.5, 10);
    const xray = parseGateReference({ ...stats, nonLung: [cardiac, { ...cardiac, kind: 'chest-xray' }] })!;
    expect(xray.views.map((v) => [v.kind, v.reason])).toEqual([
      ['cardiac', 'cardiac-view'],
      ['chest-xray', 'x-ray-view'],
    ]);
    expect(parseGateReference({ ...stats, nonLung: [{ ...cardiac, kind: 'bladder' }] })!.views).toEqual([]);
    expect(parseGateReference({ ...stats, nonLung: [{ ...cardiac, weights: [1, 2] }] })!.views).toEqual([]);
    expect(parseGateReference({ ...stats, nonLung: [{ ...cardiac, bias: 'x' }] })!.views).toEqual([]);
    expect(parseGateReference({ ...stats, nonLung: [{ ...cardiac, kind: 'toString' }] })!.views).toEqual([]);
    expect(parseGateReference(stats)!.views).toEqual([]);
  });

  it('refuses a recognised cardiac view with its own reason before "unfamiliar"', () => {
    const feature = { score: 5, threshold: 3 };
    expect(
      gateVerdict(null, ultrasound, feature, [{ kind: 'cardiac', score: 0.9, threshold: 0.5 }]),
    ).toMatchObject({
      pass: false,
      reason: 'cardiac-view',
      message: 'This looks like a heart (cardiac) view, not a lung view.',
      viewScores: { cardiac: 0.9 },
    });
    expect(
      gateVerdict(null, ultrasound, { score: 1, threshold: 3 }, [
        { kind: 'cardiac', score: 0.4, threshold: 0.5 },
      ]),
    ).toMatchObject({ pass: true, modelChecked: true, viewScores: { cardiac: 0.4 } });
    // Each known view refuses with its own words; an X-ray is not called "unfamiliar".
    expect(
      gateVerdict(null, ultrasound, feature, [
        { kind: 'cardiac', score: -3, threshold: 0.5 },
        { kind: 'chest-xray', score: 2, threshold: 1 },
      ]),
    ).toMatchObject({
      pass: false,
      reason: 'x-ray-view',
      message: 'This looks like an X-ray, not an ultrasound image.',
      viewScores: { cardiac: -3, 'chest-xray': 2 },
    });
    // Uncalibrated: the score is recorded but decides nothing.
    expect(gateVerdict(null, ultrasound, null, [{ kind: 'cardiac', score: 3 }])).toMatchObject({
      pass: true,
      modelChecked: false,
    });
  });

  it('finds colour in the frame and flow colours inside the crop', () => {
    const width = 20;
    const height = 10;
    const data = new Uint8ClampedArray(width * height * 4).fill(100);
    // A red box of 4×4 inside the crop (x 0–9): flow colour, too little of the frame for a photograph.
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) data.set([220, 30, 20, 255], (y * width + x) * 4);
    const e = colourEvidence({ width, height, data }, { x: 0, y: 0, width: 10, height: 10 });
    expect(e.colourShare).toBeCloseTo(16 / 200, 6);
    expect(e.colourInImageShare).toBeCloseTo(16 / 100, 6);
  });
});
