// Metrics against hand-computed matrices: every Table 1 column on a 4×4, empty signs, coverage, ROC, calibration.

import { describe, expect, it } from 'vitest';
import { CLASS_IDS, type ClassId } from '../frame';
import {
  bootstrapIntervals,
  calibration,
  cohensKappa,
  confusionMatrix,
  coverageText,
  formatKappa,
  formatPercent,
  macroAverage,
  metricsCsv,
  metricsReport,
  metricsText,
  rocCurve,
  scoredPairs,
  table1,
  tableScores,
  wilson,
  type ConfusionMatrix,
  type LabelledPrediction,
} from './index';

/** Expands a matrix into labelled predictions whose probabilities put `conf` on the predicted sign. */
function fromMatrix(m: ConfusionMatrix, conf = 0.7): LabelledPrediction[] {
  const out: LabelledPrediction[] = [];
  m.forEach((row, t) =>
    row.forEach((count, p) => {
      for (let i = 0; i < count; i++) {
        const top = CLASS_IDS[p]!;
        const probabilities = Object.fromEntries(
          CLASS_IDS.map((id) => [id, id === top ? conf : (1 - conf) / 3]),
        ) as Record<ClassId, number>;
        out.push({
          caseId: `c${out.length}`,
          truth: CLASS_IDS[t]!,
          outcome: { kind: 'scored', probabilities, top },
        });
      }
    }),
  );
  return out;
}

// Rows: clinician A, B, PE, LC; columns: model A, B, PE, LC. 50 cases per sign, 200 in all.
const M: ConfusionMatrix = [
  [45, 3, 1, 1],
  [2, 40, 5, 3],
  [0, 4, 44, 2],
  [1, 2, 3, 44],
];

describe('the 4×4 matrix, every Table 1 column by hand', () => {
  const { perClass, total } = tableScores(M);
  const [a, b, pe, lc] = perClass;
  // Column sums (model's calls): A 48, B 49, PE 53, LC 50. Diagonal 173.
  it('counts TP/FP/FN/TN one sign against the rest', () => {
    expect([a!.tp, a!.fp, a!.fn, a!.tn]).toEqual([45, 3, 5, 147]);
    expect([b!.tp, b!.fp, b!.fn, b!.tn]).toEqual([40, 9, 10, 141]);
    expect([pe!.tp, pe!.fp, pe!.fn, pe!.tn]).toEqual([44, 9, 6, 141]);
    expect([lc!.tp, lc!.fp, lc!.fn, lc!.tn]).toEqual([44, 6, 6, 144]);
  });
  it('precision = TP / (TP + FP)', () => {
    expect(a!.precision).toBeCloseTo(45 / 48, 12); // 0.9375
    expect(b!.precision).toBeCloseTo(40 / 49, 12); // 0.8163
    expect(pe!.precision).toBeCloseTo(44 / 53, 12); // 0.8302
    expect(lc!.precision).toBeCloseTo(44 / 50, 12); // 0.88
  });
  it('specificity = TN / (TN + FP)', () => {
    expect(a!.specificity).toBeCloseTo(147 / 150, 12);
    expect(b!.specificity).toBeCloseTo(141 / 150, 12);
    expect(pe!.specificity).toBeCloseTo(141 / 150, 12);
    expect(lc!.specificity).toBeCloseTo(144 / 150, 12);
  });
  it('F1 = 2TP / (2TP + FP + FN)', () => {
    expect(a!.f1).toBeCloseTo(90 / 98, 12);
    expect(b!.f1).toBeCloseTo(80 / 99, 12);
    expect(pe!.f1).toBeCloseTo(88 / 103, 12);
    expect(lc!.f1).toBeCloseTo(88 / 100, 12);
    // Same as the harmonic mean of precision and recall.
    expect(a!.f1).toBeCloseTo((2 * (45 / 48) * 0.9) / (45 / 48 + 0.9), 12);
  });
  it('recall = TP / (TP + FN)', () => {
    expect([a!.recall, b!.recall, pe!.recall, lc!.recall]).toEqual([0.9, 0.8, 0.88, 0.88]);
  });
  it('per-sign accuracy = (TP + TN) / N', () => {
    expect([a!.accuracy, b!.accuracy, pe!.accuracy, lc!.accuracy]).toEqual([0.96, 0.905, 0.925, 0.94]);
  });
  it('Total: macro precision, specificity, F1 and recall; overall accuracy; kappa', () => {
    expect(total.precision).toBeCloseTo((45 / 48 + 40 / 49 + 44 / 53 + 44 / 50) / 4, 12); // 0.8660
    expect(total.specificity).toBeCloseTo((0.98 + 0.94 + 0.94 + 0.96) / 4, 12); // 0.955
    expect(total.f1).toBeCloseTo((90 / 98 + 80 / 99 + 88 / 103 + 0.88) / 4, 12); // 0.8652
    expect(total.recall).toBeCloseTo(0.865, 12);
    expect(total.accuracy).toBeCloseTo(173 / 200, 12);
    // p_o = 0.865; p_e = Σ row·col / N² = 50·(48+49+53+50) / 40000 = 0.25; κ = 0.615 / 0.75 = 0.82.
    expect(total.kappa).toBeCloseTo(0.82, 12);
    expect(total.averagedOver).toEqual({ precision: 4, recall: 4, specificity: 4, f1: 4 });
  });
  it('formats like the study: percentages with two decimals, kappa with four', () => {
    expect(formatPercent(a!.precision)).toBe('93.75');
    expect(formatPercent(total.accuracy)).toBe('86.50');
    expect(formatKappa(total.kappa)).toBe('0.8200');
  });
  it('the report built from cases gives the same matrix and numbers', () => {
    const r = metricsReport(fromMatrix(M), { bootstrap: { samples: 200 } });
    expect(r.matrix).toEqual(M);
    expect(r.total.kappa).toBeCloseTo(0.82, 12);
    expect(r.cellCases[1]![2]).toHaveLength(5);
    expect(r.counts.labelled).toEqual({ a_lines: 50, b_lines: 50, pleural_effusion: 50, consolidation: 50 });
    expect(r.counts.predicted).toEqual({ a_lines: 48, b_lines: 49, pleural_effusion: 53, consolidation: 50 });
  });
});

describe("the seed study's Total row", () => {
  // Table 1's per-sign values; its Total precision, specificity and recall are their macro means.
  it('is reproduced by macro-averaging the per-sign columns (F1 is not: the study mixes definitions)', () => {
    expect(macroAverage([97.51, 87.31, 85.42, 93.7]).value).toBeCloseTo(90.99, 2);
    expect(macroAverage([99.37, 96.09, 94.07, 97.85]).value).toBeCloseTo(96.85, 2);
    expect(macroAverage([90.38, 86.97, 94.25, 91.18]).value).toBeCloseTo(90.7, 2);
    expect(Math.abs(macroAverage([93.68, 87.19, 89.52, 91.92]).value! - 90.5)).toBeGreaterThan(0.05);
  });
});

describe('empty signs and empty tables', () => {
  it('a sign nobody labelled and the model never called: precision, recall, F1 are "—", not NaN', () => {
    const m: ConfusionMatrix = [
      [5, 1, 0, 0],
      [2, 4, 0, 0],
      [0, 0, 0, 0],
      [0, 1, 0, 3],
    ];
    const { perClass, total } = tableScores(m);
    const pe = perClass[2]!;
    expect(pe.precision).toBeNull();
    expect(pe.recall).toBeNull();
    expect(pe.f1).toBeNull();
    expect(pe.specificity).toBe(1);
    expect(pe.accuracy).toBe(1);
    expect(formatPercent(pe.precision)).toBe('—');
    // Macro means skip the undefined sign and say over how many they averaged.
    expect(total.averagedOver.precision).toBe(3);
    expect(total.precision).toBeCloseTo((5 / 7 + 4 / 6 + 3 / 3) / 3, 12);
    for (const v of [total.precision, total.recall, total.f1, total.kappa, total.accuracy]) {
      expect(Number.isNaN(v)).toBe(false);
    }
  });
  it('a sign labelled but never called has recall 0 and F1 0, precision "—"', () => {
    const m: ConfusionMatrix = [
      [3, 0, 0, 0],
      [0, 3, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 0, 2],
    ];
    const pe = tableScores(m).perClass[2]!;
    expect(pe.precision).toBeNull();
    expect(pe.recall).toBe(0);
    expect(pe.f1).toBe(0);
  });
  it('a sign nobody labelled but the model called: F1 is "—" with no interval, and the Total says what it averages', () => {
    const m: ConfusionMatrix = [
      [3, 0, 1, 0],
      [0, 3, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 1, 2],
    ];
    const pe = tableScores(m).perClass[2]!;
    expect(pe.support).toBe(0);
    expect(pe.f1).toBeNull();
    expect(pe.recall).toBeNull();
    expect(pe.precision).toBe(0);
    const total = tableScores(m).total;
    expect(total.averagedSigns.f1).toEqual(['a_lines', 'b_lines', 'consolidation']);
    expect(total.averagedSigns.precision).toEqual([
      'a_lines',
      'b_lines',
      'pleural_effusion',
      'consolidation',
    ]);
    const cases = fromMatrix(m);
    const t = table1(metricsReport(cases, { bootstrap: { samples: 50 } }));
    const peRow = t.rows.find((r) => r.id === 'pleural_effusion')!;
    expect(peRow.cells.f1).toMatchObject({ text: '—', range: '', value: null });
    expect(t.totalNote).toContain('F1 over A-lines, B-lines and Lung consolidation');
    expect(t.totalNote).toContain('Recall over A-lines, B-lines and Lung consolidation');
    expect(t.totalNote).not.toContain('Precision over');
    expect(coverageText(metricsReport(cases).coverage, 'frames')).toBe('10 of 10 frames scored');
  });
  it('no cases at all: every value is null and the report does not throw', () => {
    const r = metricsReport([]);
    expect(r.total.accuracy).toBeNull();
    expect(r.total.kappa).toBeNull();
    expect(r.total.precision).toBeNull();
    expect(r.perClass.every((c) => c.precision === null && c.accuracy === null)).toBe(true);
    expect(r.roc.every((c) => c.auc === null)).toBe(true);
    expect(r.calibration.ece).toBeNull();
    expect(r.total.ci.kappa).toBeNull();
    expect(coverageText(r.coverage)).toBe('0 of 0 cases scored');
    expect(metricsCsv(r, 'm@1')).not.toMatch(/NaN/);
  });
  it('one sign only: kappa is undefined (chance agreement is total)', () => {
    expect(
      cohensKappa([
        [4, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ]),
    ).toBeNull();
  });
  it('perfect agreement gives kappa 1; agreement at chance gives 0', () => {
    expect(
      cohensKappa([
        [2, 0, 0, 0],
        [0, 2, 0, 0],
        [0, 0, 2, 0],
        [0, 0, 0, 2],
      ]),
    ).toBe(1);
    expect(
      cohensKappa([
        [1, 1, 0, 0],
        [1, 1, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ]),
    ).toBe(0);
  });
});

describe('coverage', () => {
  it('excludes unsure, unlabelled, gate-refused and unscored cases and says so', () => {
    const scored = fromMatrix([
      [2, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 1],
    ]);
    const all: LabelledPrediction[] = [
      ...scored,
      { caseId: 'u1', truth: 'unsure', outcome: scored[0]!.outcome },
      { caseId: 'r1', truth: 'b_lines', outcome: { kind: 'refused', reason: 'not a lung scan' } },
      { caseId: 'm1', truth: 'a_lines', outcome: { kind: 'missing' } },
      { caseId: 'n1', truth: 'unlabelled', outcome: scored[1]!.outcome },
    ];
    const { pairs, coverage } = scoredPairs(all);
    expect(pairs).toHaveLength(4);
    expect(coverage).toEqual({ total: 8, scored: 4, unsure: 1, unlabelled: 1, refused: 1, missing: 1 });
    expect(coverageText(coverage)).toBe(
      '4 of 8 cases scored (1 unsure, 1 unlabelled, 1 refused by the input gate, 1 not yet scored by this model)',
    );
    expect(confusionMatrix(pairs)[0]![0]).toBe(2);
  });
});

describe('intervals', () => {
  it('Wilson matches a hand computation and stays in [0, 1]', () => {
    // 45/50: centre = (0.9 + 1.92/100) / 1.0768 = 0.8536; half = 1.96/1.0768 · √(0.0018 + 0.000384) = 0.0851.
    const ci = wilson(45, 50)!;
    expect(ci.low).toBeCloseTo(0.7864, 3);
    expect(ci.high).toBeCloseTo(0.9565, 3);
    expect(wilson(0, 10)!.low).toBe(0);
    expect(wilson(10, 10)!.high).toBe(1);
    expect(wilson(0, 0)).toBeNull();
  });
  it('the bootstrap is reproducible with a seed and brackets the point estimate', () => {
    const { pairs } = scoredPairs(fromMatrix(M));
    const one = bootstrapIntervals(pairs, { samples: 300, seed: 7 });
    const two = bootstrapIntervals(pairs, { samples: 300, seed: 7 });
    expect(one).toEqual(two);
    expect(one.kappa!.low).toBeLessThan(0.82);
    expect(one.kappa!.high).toBeGreaterThan(0.82);
    expect(one.f1[0]!.low).toBeLessThan(90 / 98);
    const other = bootstrapIntervals(pairs, { samples: 300, seed: 8 });
    // The report orders cases by id first, so listing order does not change its intervals.
    const cases = fromMatrix(M);
    const forward = metricsReport(cases, { bootstrap: { samples: 200 } });
    const backward = metricsReport([...cases].reverse(), { bootstrap: { samples: 200 } });
    expect(backward.total.ci).toEqual(forward.total.ci);
    expect(other.kappa).not.toEqual(one.kappa);
  });
});

describe('ROC', () => {
  const p = (a: number): Record<ClassId, number> => ({
    a_lines: a,
    b_lines: 1 - a,
    pleural_effusion: 0,
    consolidation: 0,
  });
  it('perfect separation has AUC 1; a hand-counted mix has AUC 0.75', () => {
    const perfect = [
      { truth: 'a_lines' as const, probabilities: p(0.9) },
      { truth: 'b_lines' as const, probabilities: p(0.1) },
    ];
    expect(rocCurve(perfect, 'a_lines').auc).toBe(1);
    // Positives 0.9, 0.4; negatives 0.6, 0.2: of 4 positive–negative pairs, 3 are ordered right.
    const mixed = [
      { truth: 'a_lines' as const, probabilities: p(0.9) },
      { truth: 'a_lines' as const, probabilities: p(0.4) },
      { truth: 'b_lines' as const, probabilities: p(0.6) },
      { truth: 'b_lines' as const, probabilities: p(0.2) },
    ];
    const curve = rocCurve(mixed, 'a_lines');
    expect(curve.auc).toBeCloseTo(0.75, 12);
    expect(curve.points[0]).toEqual({ fpr: 0, tpr: 0, threshold: Infinity });
    expect(curve.points.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
  });
  it('ties count half, and a sign without negatives has no curve', () => {
    const tied = [
      { truth: 'a_lines' as const, probabilities: p(0.5) },
      { truth: 'b_lines' as const, probabilities: p(0.5) },
    ];
    expect(rocCurve(tied, 'a_lines').auc).toBe(0.5);
    expect(rocCurve([tied[0]!], 'a_lines').auc).toBeNull();
  });
});

describe('calibration', () => {
  it('bins the top-sign probability and computes ECE by hand', () => {
    const mk = (conf: number, right: boolean) => ({
      truth: 'a_lines' as const,
      predicted: right ? ('a_lines' as const) : ('b_lines' as const),
      probabilities: {
        a_lines: right ? conf : (1 - conf) / 3,
        b_lines: right ? (1 - conf) / 3 : conf,
        pleural_effusion: (1 - conf) / 3,
        consolidation: (1 - conf) / 3,
      },
    });
    // Bin 0.9–1.0: two cases at 0.95, one right → |0.5 − 0.95| = 0.45, weight 2/4.
    // Bin 0.6–0.7: two cases at 0.65, both right → |1 − 0.65| = 0.35, weight 2/4.
    const c = calibration([mk(0.95, true), mk(0.95, false), mk(0.65, true), mk(0.65, true)]);
    expect(c.bins[9]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(c.bins[9]!.confidence).toBeCloseTo(0.95, 12);
    expect(c.bins[6]!.count).toBe(2);
    expect(c.bins[0]!.accuracy).toBeNull();
    expect(c.ece).toBeCloseTo(0.5 * 0.45 + 0.5 * 0.35, 12);
  });
});

describe('CSV', () => {
  it('has one row per sign plus Total, blanks for undefined, and the coverage line', () => {
    const csv = metricsCsv(metricsReport(fromMatrix(M), { bootstrap: { samples: 50 } }), 'fixture@1.0.0');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('# 200 of 200 cases scored');
    expect(lines).toHaveLength(7);
    expect(lines[2]).toMatch(/^fixture@1\.0\.0,A-lines,50,0\.9375,/);
    expect(lines[6]).toMatch(/,0\.82,/);
    expect(lines[2]!.split(',')).toHaveLength(21);
  });
});

describe('text', () => {
  it('lays out the same columns, rows and confusion matrix as the CSV, in %', () => {
    const text = metricsText(metricsReport(fromMatrix(M), { bootstrap: { samples: 50 } }), 'fixture@1.0.0');
    const lines = text.split('\n');
    expect(lines[0]).toBe('Table 1: fixture@1.0.0; 200 of 200 frames scored. Values in %.');
    expect(lines[1]!.split(/\s+/)).toEqual([
      'Sign',
      'n',
      'Precision',
      'Specificity',
      'F1-score',
      'Recall',
      'Accuracy',
      'Kappa',
    ]);
    expect(lines[2]!.split(/\s+/).slice(0, 4)).toEqual(['A-lines', '50', '93.75', '98.00']);
    const total = lines.find((l) => l.startsWith('Total'))!;
    expect(total.split(/\s+/).at(-1)).toMatch(/^0\.\d{4}$/);
    const rowA = lines.findIndex((l) => l.startsWith('label'));
    expect(lines[rowA + 1]!.trim().split(/\s+/).slice(1)).toEqual(['45', '3', '1', '1']);
  });
});
