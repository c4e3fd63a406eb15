// Table 1 and the confusion matrix for a batch's labelled frames, computed by the shared metrics (src/core/metrics).

import { useMemo } from 'react';
import {
  CLASS_IDS,
  CLASS_NAMES,
  CLASS_SHORT_NAMES,
  TABLE1_COLUMNS,
  coverageText,
  table1,
  batchMetrics,
  type BatchRow,
} from '../../core';

/** Test ids the batch specs read: the Total row's accuracy and kappa. */
const TOTAL_TEST_IDS: Partial<Record<string, string>> = { accuracy: 'batch-accuracy', kappa: 'batch-kappa' };

export function BatchMetrics({ rows }: { rows: readonly BatchRow[] }) {
  // The rows are replaced, never changed, so this runs once when the batch stops (the screen shows the metrics
  // only then), not per chunk: the bootstrap intervals take a moment on big folders.
  const report = useMemo(() => batchMetrics(rows), [rows]);
  if (!report) return null;
  const table = table1(report);
  return (
    <section className="panel batch-metrics" aria-label="Metrics" data-testid="batch-metrics">
      <h3>How the model agrees with the folder labels</h3>
      <p className="muted" data-testid="batch-coverage">
        {coverageText(report.coverage, 'frames')}. Values in %, kappa as a fraction. The Dashboard shows
        intervals, ROC and calibration for this batch too.
      </p>
      {/* Seven columns do not fit a phone: the table scrolls sideways, the page does not. */}
      <div className="table1-wrap">
        <table className="table1" data-testid="batch-table1">
          <thead>
            <tr>
              <th scope="col">Sign</th>
              {TABLE1_COLUMNS.map((c) => (
                <th key={c.key} scope="col" className="num">
                  {c.head}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row.id} className={row.id === 'total' ? 'total-row' : undefined}>
                <th scope="row">
                  {row.name} <span className="muted small">n={row.n}</span>
                </th>
                {TABLE1_COLUMNS.map(({ key }) => {
                  const c = row.cells[key];
                  const testId = row.id === 'total' ? TOTAL_TEST_IDS[key] : undefined;
                  return (
                    <td key={key} className="num" data-testid={testId} data-value={c?.value ?? ''}>
                      {c ? c.text : ''}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small" data-testid="batch-table1-note">
        {table.totalNote}
      </p>
      <h4>Confusion matrix (rows: folder label, columns: model)</h4>
      <table className="batch-matrix" data-testid="batch-matrix">
        <thead>
          <tr>
            <th scope="col" />
            {CLASS_IDS.map((id) => (
              <th key={id} scope="col" className="num" title={CLASS_NAMES[id]}>
                {CLASS_SHORT_NAMES[id]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {CLASS_IDS.map((truth, i) => (
            <tr key={truth}>
              <th scope="row" title={CLASS_NAMES[truth]}>
                {CLASS_SHORT_NAMES[truth]}
              </th>
              {CLASS_IDS.map((predicted, j) => (
                <td
                  key={predicted}
                  className={i === j ? 'num diagonal' : 'num'}
                  data-testid={`batch-cell-${truth}-${predicted}`}
                  data-value={report.matrix[i]![j]}
                >
                  {report.matrix[i]![j]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
