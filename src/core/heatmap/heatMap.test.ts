// Heat-map maths: CAM on plain arrays, per-sign heat that ignores padding, alignment with the crop, and masks reduced to feature cells.
import { describe, expect, it } from 'vitest';
import {
  classActivations,
  classHeat,
  heatMapFrameRect,
  heatMassOnRegion,
  maskToCells,
  toClassOrder,
  type HeatMap,
} from './heatMap';

function map(values: number[][], content = { x: 0, y: 0, width: 4, height: 4 }): HeatMap {
  // 2×2 cells over a 4×4 input; values[cell] = activations in CLASS_IDS order.
  return {
    width: 2,
    height: 2,
    values: Float32Array.from(values.flat()),
    inputWidth: 4,
    inputHeight: 4,
    content,
  };
}

describe('heat maps', () => {
  it('computes CAM as features × kernel per cell', () => {
    // 2 cells, 3 channels, 2 classes.
    const features = [1, 2, 3, 0, 1, 0];
    const kernel = [1, 0, 0, 1, 1, 1]; // [channel][class]
    expect(Array.from(classActivations(features, kernel, 2, 3, 2))).toEqual([4, 5, 0, 1]);
  });

  it('reorders a model class axis onto CLASS_IDS order', () => {
    const v = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(toClassOrder(v, ['b_lines', 'a_lines', 'pleural_effusion', 'consolidation']))).toEqual([
      2, 1, 3, 4,
    ]);
  });

  it('normalises a sign’s positive evidence to 0–1 and keeps padding cells dark', () => {
    const m = map([
      [0, 2, 0, 0],
      [0, -1, 0, 0],
      [0, 4, 0, 0],
      [0, 1, 0, 0],
    ]);
    expect(Array.from(classHeat(m, 'b_lines'))).toEqual([0.5, 0, 1, 0.25]);
    // Content only in the left half: the right column of cells is padding.
    const padded = map(
      [
        [0, 2, 0, 0],
        [0, 9, 0, 0],
        [0, 4, 0, 0],
        [0, 9, 0, 0],
      ],
      { x: 0, y: 0, width: 2, height: 4 },
    );
    expect(Array.from(classHeat(padded, 'b_lines'))).toEqual([0.5, 0, 1, 0]);
  });

  it('maps the model input back over the frame through the crop (pad policy)', () => {
    const m = map(
      [[0], [0], [0], [0]].map(() => [0, 0, 0, 0]),
      { x: 0, y: 1, width: 4, height: 2 },
    );
    // A 200×100 crop at (50, 20) filled a 4×2 band of the 4×4 input: the whole input spans 200×200.
    expect(heatMapFrameRect(m, { x: 50, y: 20, width: 200, height: 100 })).toEqual({
      x: 50,
      y: -30,
      width: 200,
      height: 200,
    });
  });

  it('reduces a pixel mask to cells, dilates by one cell, and measures heat mass against area', () => {
    const mask = new Uint8Array(16);
    mask[0] = 1; // top-left input pixel → top-left cell
    const cells = maskToCells(mask, 4, 4, 2, 2, 0);
    expect(Array.from(cells)).toEqual([1, 0, 0, 0]);
    expect(Array.from(maskToCells(mask, 4, 4, 2, 2, 1))).toEqual([1, 1, 1, 1]);
    const m = map([
      [0, 3, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    const mass = heatMassOnRegion(m, 'b_lines', cells);
    expect(mass.heatFraction).toBeCloseTo(0.75, 6);
    expect(mass.areaShare).toBe(0.25);
  });
});
