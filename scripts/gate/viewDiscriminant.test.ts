// The gate's view discriminant: separates two feature clouds that differ along a few low-variance features, whatever the features' scales, and scores new frames the way the app does.
import { describe, expect, it } from 'vitest';
import { parseGateReference, seededRandom, viewScore } from '../../src/core';
import { discriminantScore, fitViewDiscriminant } from './viewDiscriminant';

/** Deterministic pseudo-random normals (mulberry32 + Box–Muller). */
function normals(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

const D = 64;
/** Features with scales from 0.01 to 100 (like pooled activations); the view differs in features 3 and 40 only. */
function cloud(count: number, seed: number, view: boolean): number[][] {
  const g = normals(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: D }, (_, j) => {
      const scale = 10 ** ((j % 5) - 2);
      const shift = view && (j === 3 || j === 40) ? 2.5 * scale : 0;
      return 5 * scale + scale * g() + shift;
    }),
  );
}

describe('view discriminant', () => {
  const lung = cloud(150, 1, false);
  const heart = cloud(150, 2, true);
  const model = fitViewDiscriminant(lung, heart, { iterations: 600 });

  it('separates held-out frames of both kinds', () => {
    const lungTest = cloud(200, 3, false).map((f) => discriminantScore(model, f));
    const heartTest = cloud(200, 4, true).map((f) => discriminantScore(model, f));
    const lungOk = lungTest.filter((s) => s < 0).length / lungTest.length;
    const heartOk = heartTest.filter((s) => s > 0).length / heartTest.length;
    expect(lungOk).toBeGreaterThan(0.9);
    expect(heartOk).toBeGreaterThan(0.9);
  });

  it('puts its weight on the features that differ', () => {
    const standardised = model.weights.map((w, j) => Math.abs(w) * 10 ** ((j % 5) - 2));
    const ranked = standardised.map((w, j) => [w, j] as const).sort((a, b) => b[0] - a[0]);
    expect(
      ranked
        .slice(0, 2)
        .map(([, j]) => j)
        .sort((a, b) => a - b),
    ).toEqual([3, 40]);
  });

  it('scores a frame the same way in the app (metadata → gate.ts) as here', () => {
    const mean = Array.from({ length: D }, () => 0);
    const ref = parseGateReference({
      kind: 'pooled-features',
      mean,
      principalComponents: [],
      principalVariances: [],
      residualVariance: 1,
      nonLung: [{ kind: 'cardiac', ...model, threshold: 0 }],
    })!;
    const frame = heart[0]!;
    expect(viewScore(ref.views[0]!, frame)).toBeCloseTo(discriminantScore(model, frame), 9);
    expect(ref.views[0]!.threshold).toBe(0);
  });

  it('refuses to fit without both kinds or with ragged vectors', () => {
    expect(() => fitViewDiscriminant([], heart)).toThrow(/both/);
    expect(() => fitViewDiscriminant([[1, 2]], [[1]])).toThrow(/length/);
  });
});
