// Table 1 and the confusion matrix as plain text for a terminal, from the same metricsReport the dashboard shows.

import {
  CLASS_IDS,
  CLASS_NAMES,
  CLASS_SHORT_NAMES,
  coverageText,
  formatKappa,
  formatPercent,
  type MetricsReport,
} from '../src/domain/index.ts';

const pad = (s: string, n: number) => s.padStart(n);

export function metricsText(report: MetricsReport, model: string): string {
  const lines: string[] = [];
  lines.push(`Table 1: ${model}; ${coverageText(report.coverage)}. Values in %.`);
  const head = ['Sign', 'n', 'Precision', 'Specificity', 'F1-score', 'Recall', 'Accuracy', 'Kappa'];
  const widths = [20, 6, 10, 12, 9, 8, 9, 8];
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : pad(c, widths[i]!))).join(' ');
  lines.push(row(head));
  for (const r of report.perClass) {
    lines.push(
      row([
        CLASS_NAMES[r.classId],
        String(r.support),
        formatPercent(r.precision),
        formatPercent(r.specificity),
        formatPercent(r.f1),
        formatPercent(r.recall),
        formatPercent(r.accuracy),
        '',
      ]),
    );
  }
  const t = report.total;
  lines.push(
    row([
      'Total',
      String(t.n),
      formatPercent(t.precision),
      formatPercent(t.specificity),
      formatPercent(t.f1),
      formatPercent(t.recall),
      formatPercent(t.accuracy),
      formatKappa(t.kappa),
    ]),
  );
  lines.push("Total: macro means of the signs; accuracy is overall (correct / all); kappa is Cohen's.");
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
