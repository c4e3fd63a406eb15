// Table 1 and the confusion matrix as plain text (the command line's report), from the same metricsReport and
// Table 1 definition (table1.ts) the dashboard, the batch screen and the metrics CSV lay out.

import { CLASS_IDS, CLASS_SHORT_NAMES } from '../frame';
import { coverageText } from './labelled';
import type { MetricsReport } from './report';
import { TABLE1_COLUMNS, table1 } from './table1';

const pad = (s: string, n: number) => s.padStart(n);

export function metricsText(
  report: MetricsReport,
  model: string,
  noun: 'cases' | 'frames' = 'frames',
): string {
  const lines: string[] = [];
  const table = table1(report);
  lines.push(`Table 1: ${model}; ${coverageText(report.coverage, noun)}. Values in %.`);
  const head = ['Sign', 'n', ...TABLE1_COLUMNS.map((c) => c.head)];
  const widths = [20, 6, ...TABLE1_COLUMNS.map((c) => Math.max(8, c.head.length + 1))];
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : pad(c, widths[i]!))).join(' ');
  lines.push(row(head));
  for (const r of table.rows)
    lines.push(row([r.name, String(r.n), ...TABLE1_COLUMNS.map(({ key }) => r.cells[key]?.text ?? '')]));
  lines.push(table.totalNote);
  lines.push('');
  lines.push('Confusion matrix (rows: folder label, columns: model)');
  lines.push(
    ['label \\ model', ...CLASS_IDS.map((id) => CLASS_SHORT_NAMES[id])]
      .map((c, i) => (i === 0 ? c.padEnd(14) : pad(c, 6)))
      .join(' '),
  );
  CLASS_IDS.forEach((id, k) => {
    lines.push(
      [CLASS_SHORT_NAMES[id].padEnd(14), ...report.matrix[k]!.map((v) => pad(String(v), 6))].join(' '),
    );
  });
  return lines.join('\n');
}
