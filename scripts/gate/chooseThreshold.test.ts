// The gate's refusal thresholds: each must-pass set keeps its share, and the real frames can be made to pass every one.
import { describe, expect, it } from 'vitest';
import { chooseThreshold, type FrameVerdict } from './gateRates';

const verdict = (set: FrameVerdict['set'], featureScore: number, imageRefused = false): FrameVerdict => ({
  set,
  name: `${set}-${featureScore}`,
  pass: true,
  featureScore,
  imageRefused,
});

// 200 phantoms scored 1..200 and 100 real frames scored 0.5..50 with one outlier at 120.
const phantoms = Array.from({ length: 200 }, (_, i) => verdict('phantoms', i + 1));
const real = [...Array.from({ length: 99 }, (_, i) => verdict('real', (i + 1) / 2)), verdict('real', 120)];

describe('chooseThreshold', () => {
  it('keeps the asked share of each must-pass set, the strictest set deciding', () => {
    // 99.5 % of 200 phantoms: the 199th score; 99.5 % of 100 real frames: all 100 (ceil), so 120.
    expect(chooseThreshold([...phantoms, ...real], 0.995)).toBe(199);
    expect(chooseThreshold([...phantoms, ...real], 0.9)).toBe(180);
  });

  it('can make every real frame pass while the phantoms keep a looser share', () => {
    const bySet = [...phantoms.slice(0, 100), ...real];
    // At 98 % of each set the real outlier (120) is refused: the 98th real score (49) and the 98th phantom (98).
    expect(chooseThreshold(bySet, 0.98)).toBe(98);
    // Every real frame must pass: the threshold rises to the outlier, and it still passes after rounding.
    const t = chooseThreshold(bySet, 0.98, (v) => v.featureScore, { real: 1 })!;
    expect(t).toBeGreaterThanOrEqual(120);
    expect(real.every((v) => v.featureScore! <= t)).toBe(true);
  });

  it('ignores frames the image checks already refused and sets without scores', () => {
    const refusedOutlier = [...phantoms.slice(0, 10), verdict('real', 5), verdict('real', 900, true)];
    expect(chooseThreshold(refusedOutlier, 1, (v) => v.featureScore, { real: 1 })).toBe(10);
    expect(chooseThreshold([verdict('colour-photo', 3)], 1)).toBeNull();
  });
});
