// Site adaptation: the head fit, grouped folds, the held-out comparison and the head file.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLASS_IDS, type ClassId } from '../frame';
import { seededRandom } from '../random';
import {
  adaptToSite,
  adaptedVersion,
  fitHead,
  groupedFolds,
  headBody,
  headOf,
  headProbabilities,
  readSiteHead,
  writeSiteHead,
  type AdaptationCase,
  type ClassifierHead,
} from '.';
import { SITE_HEAD_SUMMARY } from '../../../tests/helpers/siteHead';

const sha256 = async (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const D = 16;
const K = CLASS_IDS.length;

/** A shipped head that reads sign k from feature k (features 0..3), and ignores the rest. */
function shippedHead(): ClassifierHead {
  const kernel = new Float32Array(D * K);
  for (let k = 0; k < K; k++) kernel[k * K + k] = 4;
  return { features: D, classes: K, kernel, bias: new Float32Array(K) };
}

/**
 * Cases of a "new site": sign k lights feature k as the shipped head expects, except that at this site
 * B-lines also light the A-lines feature more strongly (a scanner that draws B-lines fainter), and feature
 * 8 + k carries the sign clearly. The shipped head confuses B with A; a site head can learn feature 8 + k.
 */
function siteCases(perSign: number, seed = 3, exams = 6): AdaptationCase[] {
  const random = seededRandom(seed);
  const cases: AdaptationCase[] = [];
  for (const [k, label] of CLASS_IDS.entries()) {
    for (let i = 0; i < perSign; i++) {
      const f = new Float32Array(D);
      for (let j = 0; j < D; j++) f[j] = 0.2 * random();
      f[k] = 0.6 + 0.3 * random();
      if (label === 'b_lines') f[0] = 0.9 + 0.3 * random();
      f[8 + k] = 1 + 0.3 * random();
      cases.push({ caseId: `${label}-${i}`, group: `${label}-exam-${i % exams}`, label, features: f });
    }
  }
  return cases;
}

const top = (head: ClassifierHead, f: Float32Array): ClassId => {
  const p = headProbabilities(head, f);
  let best = 0;
  for (let c = 1; c < K; c++) if (p[c]! > p[best]!) best = c;
  return CLASS_IDS[best]!;
};

describe('fitHead', () => {
  it('reaches the penalised optimum: no single weight or bias moved either way lowers the objective', () => {
    const cases = siteCases(12);
    const rows = cases.map((c) => c.features);
    const labels = cases.map((c) => CLASS_IDS.indexOf(c.label));
    const strength = 0.05;
    const { head } = fitHead(rows, labels, shippedHead(), { strength, maxSteps: 3000, tolerance: 1e-7 });
    const shipped = shippedHead();
    const objective = (h: ClassifierHead) => {
      let ce = 0;
      rows.forEach((r, i) => (ce -= Math.log(headProbabilities(h, r)[labels[i]!]!)));
      let pen = 0;
      h.kernel.forEach((v, t) => (pen += (v - shipped.kernel[t]!) ** 2));
      return ce / rows.length + (strength / 2) * pen;
    };
    const at = objective(head);
    // Moving any single weight either way must not lower the objective.
    for (const t of [0, 5, 9 * K + 1, 12 * K + 3]) {
      for (const delta of [1e-2, -1e-2]) {
        const moved = { ...head, kernel: Float32Array.from(head.kernel) };
        moved.kernel[t]! += delta;
        expect(objective(moved)).toBeGreaterThanOrEqual(at - 1e-6);
      }
    }
    for (let c = 0; c < K; c++) {
      for (const delta of [1e-2, -1e-2]) {
        const moved = { ...head, bias: Float32Array.from(head.bias) };
        moved.bias[c]! += delta;
        expect(objective(moved)).toBeGreaterThanOrEqual(at - 1e-6);
      }
    }
  });

  it('stays at the shipped head under a strong pull and leaves frozen signs exactly as shipped', () => {
    const cases = siteCases(10);
    const rows = cases.map((c) => c.features);
    const labels = cases.map((c) => CLASS_IDS.indexOf(c.label));
    const strong = fitHead(rows, labels, shippedHead(), { strength: 1e4 }).head;
    strong.kernel.forEach((v, t) => expect(Math.abs(v - shippedHead().kernel[t]!)).toBeLessThan(1e-3));
    const frozen = fitHead(rows, labels, shippedHead(), { strength: 0.01, frozen: [2] }).head;
    for (let j = 0; j < D; j++) expect(frozen.kernel[j * K + 2]).toBe(shippedHead().kernel[j * K + 2]);
    expect(frozen.bias[2]).toBe(0);
    expect(frozen.kernel[9 * K + 1]).toBeGreaterThan(0.1); // B-lines learned the site's feature
  });

  it('refuses mismatched inputs with a clear message', () => {
    expect(() => fitHead([new Float32Array(3)], [0], shippedHead(), { strength: 1 })).toThrow(
      /3 values; the head expects 16/,
    );
    expect(() => fitHead([], [], shippedHead(), { strength: 1 })).toThrow(/No labelled cases/);
    expect(() => fitHead([new Float32Array(D)], [7], shippedHead(), { strength: 1 })).toThrow(
      /not one of the 4 signs/,
    );
  });
});

describe('groupedFolds', () => {
  it('keeps every exam in one fold, gives each fold every sign, and draws the same folds every time', () => {
    const cases = siteCases(15).map((c) => ({ group: c.group, label: CLASS_IDS.indexOf(c.label) }));
    const folds = groupedFolds(cases, 5);
    const foldOfGroup = new Map<string, number>();
    cases.forEach((c, i) => {
      if (foldOfGroup.has(c.group)) expect(folds[i]).toBe(foldOfGroup.get(c.group));
      foldOfGroup.set(c.group, folds[i]!);
    });
    for (let f = 0; f < 5; f++)
      for (let k = 0; k < K; k++) expect(cases.some((c, i) => folds[i] === f && c.label === k)).toBe(true);
    expect(groupedFolds(cases, 5)).toEqual(folds);
  });

  it('says when there are fewer exams than folds', () => {
    expect(() =>
      groupedFolds(
        [
          { group: 'a', label: 0 },
          { group: 'b', label: 1 },
        ],
        5,
      ),
    ).toThrow(/at least 5 exams or clips; these cases come from 2/);
  });
});

describe('adaptToSite', () => {
  it('shows a held-out gain where the site differs, offers adoption, and the final head reads B-lines', () => {
    const cases = siteCases(20);
    const result = adaptToSite(cases, shippedHead(), { strength: 0.01 });
    expect(result.before.total.n).toBe(cases.length);
    expect(result.after.total.n).toBe(cases.length);
    // The shipped head reads this site's B-lines as A-lines.
    expect(result.before.matrix[1]![0]!).toBeGreaterThan(10);
    expect(result.after.total.accuracy!).toBeGreaterThan(result.before.total.accuracy! + 0.15);
    expect(result.gain.foldsImproved).toBeGreaterThanOrEqual(3);
    expect(result.verdict.offer).toBe(true);
    expect(result.verdict.reason).toMatch(/more cases right/);
    const bLines = cases.filter((c) => c.label === 'b_lines');
    expect(bLines.filter((c) => top(result.head, c.features) === 'b_lines').length).toBeGreaterThan(15);
  });

  it('counts reading units (clips) when cases carry one: a clip is read as the mean over its frames', () => {
    const cases = siteCases(20).map((c) => ({ ...c, unit: `${c.group}-clip` }));
    const clips = new Set(cases.map((c) => c.unit)).size;
    const result = adaptToSite(cases, shippedHead(), { strength: 0.01 });
    expect(clips).toBe(24);
    expect(result.before.total.n).toBe(clips);
    expect(result.after.total.n).toBe(clips);
    expect(result.after.total.accuracy!).toBeGreaterThan(result.before.total.accuracy!);
  });

  it('keeps a sign with too few cases as shipped and says no sign can be learned when none has enough', () => {
    const cases = siteCases(20).filter((c) => c.label !== 'consolidation' || c.caseId.endsWith('-1'));
    const result = adaptToSite(cases, shippedHead());
    expect(result.perSign.consolidation).toMatchObject({ cases: 1, learned: false });
    for (let j = 0; j < D; j++) expect(result.head.kernel[j * K + 3]).toBe(shippedHead().kernel[j * K + 3]);

    const few = siteCases(4, 5, 4);
    const none = adaptToSite(few, shippedHead());
    expect(none.verdict.offer).toBe(false);
    expect(none.verdict.reason).toMatch(/No sign has enough labelled cases/);
  });

  it('does not offer a head when the site reads as the shipped head expects', () => {
    // Cases where the shipped head is already right: nothing to gain.
    const random = seededRandom(9);
    const cases: AdaptationCase[] = CLASS_IDS.flatMap((label, k) =>
      Array.from({ length: 15 }, (_, i) => {
        const f = new Float32Array(D);
        for (let j = 0; j < D; j++) f[j] = 0.1 * random();
        f[k] = 1;
        return { caseId: `${label}${i}`, group: `${label}${i % 5}`, label, features: f };
      }),
    );
    const result = adaptToSite(cases, shippedHead());
    expect(result.before.total.accuracy).toBe(1);
    expect(result.verdict.offer).toBe(false);
    expect(result.verdict.reason).toMatch(/No gain on the held-out folds/);
  });
});

describe('site-head file', () => {
  const base = { id: 'lus-resnet152', version: '2.0.0', weightsHash: 'abc123' };

  it('round-trips the head exactly and names the adapted version', async () => {
    const head = adaptToSite(siteCases(12), shippedHead()).head;
    const text = await writeSiteHead(headBody(head, base, 1, ' Ward 7 ', SITE_HEAD_SUMMARY), sha256);
    const file = await readSiteHead(text, sha256, { ...base, features: D });
    expect(file.site).toBe('Ward 7');
    expect(headOf(file).kernel).toEqual(head.kernel);
    expect(headOf(file).bias).toEqual(head.bias);
    expect(adaptedVersion('2.0.0', file.headNumber)).toBe('2.0.0+site1');
  });

  it('refuses a head for another base model, other weights, an edited file and a non-head file, each with its reason', async () => {
    const text = await writeSiteHead(headBody(shippedHead(), base, 1, 'Ward 7', SITE_HEAD_SUMMARY), sha256);
    await expect(readSiteHead(text, sha256, { ...base, version: '1.2.0', features: D })).rejects.toThrow(
      /fitted on lus-resnet152 2.0.0, not on lus-resnet152 1.2.0/,
    );
    await expect(readSiteHead(text, sha256, { ...base, weightsHash: 'zzz', features: D })).rejects.toThrow(
      /other weights/,
    );
    const edited = JSON.parse(text) as { bias: number[] };
    edited.bias[0] = 5;
    await expect(readSiteHead(JSON.stringify(edited), sha256)).rejects.toThrow(/changed or damaged/);
    await expect(readSiteHead('{"format":"x"}', sha256)).rejects.toThrow(/not a site-head file/);
    await expect(readSiteHead('nope', sha256)).rejects.toThrow(/not JSON/);
  });
});
