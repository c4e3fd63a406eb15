// The Table 1 metrics as CSV (one row per sign plus Total), with intervals and coverage, for spreadsheets.

import { coverageText } from './labelled';
import type { MetricsReport } from './report';
import type { Interval } from './intervals';
import { TABLE1_COLUMNS, table1 } from './table1';

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
    ...TABLE1_COLUMNS.flatMap(({ key }) => [key, `${key}_ci_low`, `${key}_ci_high`]),
  ];
  const lines = [`# ${coverageText(report.coverage)}`, csvLine(header)];
  for (const row of table1(report).rows) {
    lines.push(
      csvLine([
        model,
        row.name,
        row.n,
        ...TABLE1_COLUMNS.flatMap(({ key }) => {
          const c = row.cells[key];
          return c ? [num(c.value), lo(c.ci), hi(c.ci)] : ['', '', ''];
        }),
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}
