// A refused result never gets a heat map; a passed one and one from before the gate do.
import { describe, expect, it } from 'vitest';
import { explainable, type ExplainableResult } from './explainable';

const result = (gate?: { pass: boolean }): ExplainableResult => ({
  top: 'b_lines',
  crop: { x: 0, y: 0, width: 10, height: 10 },
  frameWidth: 10,
  frameHeight: 10,
  ...(gate ? { gate } : {}),
});

describe('explainable', () => {
  it('keeps passed results and results from before the gate, drops refused ones and nothing', () => {
    const passed = result({ pass: true });
    const old = result();
    expect(explainable(passed)).toBe(passed);
    expect(explainable(old)).toBe(old);
    expect(explainable(result({ pass: false }))).toBeNull();
    expect(explainable(null)).toBeNull();
    expect(explainable(undefined)).toBeNull();
  });
});
