// The Table 1 metrics as CSV (one row per sign plus Total), with intervals and coverage, for spreadsheets.

import { CLASS_NAMES } from '../classes';
import { coverageText } from './labelled';
import type { MetricsReport } from './report';
import type { Interval } from './intervals';

/** Quotes a field when it holds a comma, quote or newline (RFC 4180). */
export function csvField(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: ReadonlyArray<string | number | null | undefined>): string {
  return fields.map(csvField).join(',');
}

// Numbers are written as fractions with full precision; blanks stand for undefined so spreadsheets do not
// mistake "—" for text in a numeric column.
const num = (v: number | null) => (v === null || !Number.isFinite(v) ? '' : Number(v.toFixed(6)));
const lo = (ci: Interval | null) => (ci ? Number(ci.low.toFixed(6)) : '');
const hi = (ci: Interval | null) => (ci ? Number(ci.high.toFixed(6)) : '');

export function metricsCsv(report: MetricsReport, model: string): string {
  const header = [
    'model',
    'sign',
    'n_labelled',
    'precision',
    'precision_ci_low',
    'precision_ci_high',
    'specificity',
    'specificity_ci_low',
    'specificity_ci_high',
    'f1',
    'f1_ci_low',
    'f1_ci_high',
    'recall',
    'recall_ci_low',
    'recall_ci_high',
    'accuracy',
    'accuracy_ci_low',
    'accuracy_ci_high',
    'kappa',
    'kappa_ci_low',
    'kappa_ci_high',
  ];
  const lines = [`# ${coverageText(report.coverage)}`, csvLine(header)];
  for (const r of report.perClass) {
    lines.push(
      csvLine([
        model,
        CLASS_NAMES[r.classId],
        r.support,
        num(r.precision),
        lo(r.ci.precision),
        hi(r.ci.precision),
        num(r.specificity),
        lo(r.ci.specificity),
        hi(r.ci.specificity),
        num(r.f1),
        lo(r.ci.f1),
        hi(r.ci.f1),
        num(r.recall),
        lo(r.ci.recall),
        hi(r.ci.recall),
        num(r.accuracy),
        lo(r.ci.accuracy),
        hi(r.ci.accuracy),
        '',
        '',
        '',
      ]),
    );
  }
  const t = report.total;
  lines.push(
    csvLine([
      model,
      'Total',
      t.n,
      num(t.precision),
      lo(t.ci.precision),
      hi(t.ci.precision),
      num(t.specificity),
      lo(t.ci.specificity),
      hi(t.ci.specificity),
      num(t.f1),
      lo(t.ci.f1),
      hi(t.ci.f1),
      num(t.recall),
      lo(t.ci.recall),
      hi(t.ci.recall),
      num(t.accuracy),
      lo(t.ci.accuracy),
      hi(t.ci.accuracy),
      num(t.kappa),
      lo(t.ci.kappa),
      hi(t.ci.kappa),
    ]),
  );
  return `${lines.join('\n')}\n`;
}
