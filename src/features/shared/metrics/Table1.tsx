// The seed study's Table 1 layout: four signs and Total; precision, specificity, F1, recall, accuracy, kappa; 95% CIs.
// Columns, cells and the Total row's note come from the core's table1() (src/core/metrics/table1.ts), shared with the batch screen.

import { TABLE1_COLUMNS, UNDEFINED_MARK, table1, type MetricsReport, type Table1Cell } from '../../../core';

function Cell({ testId, cell }: { testId: string; cell: Table1Cell }) {
  return (
    <td data-testid={testId} data-value={cell.value ?? ''} className="num">
      <span className="cell-value">{cell.text}</span>
      {cell.range && <span className="cell-ci">{cell.range}</span>}
    </td>
  );
}

export function Table1({
  report,
  prefix,
  intervals = true,
  compact = false,
}: {
  report: MetricsReport;
  prefix: string;
  /** The batch screen shows values only; the dashboard adds each 95% interval. */
  intervals?: boolean;
  /** Smaller type and padding, for two tables side by side (two model versions, two heads). */
  compact?: boolean;
}) {
  const table = table1(report);
  return (
    <div className="table1-wrap">
      <table className={compact ? 'table1 compact' : 'table1'} data-testid={`${prefix}-table1`}>
        <caption className="muted small">
          Values in %{intervals ? ', 95% confidence interval below each' : ''} (kappa as a fraction).
        </caption>
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
                const testId = `${prefix}-${row.id}-${key}`;
                return c ? (
                  <Cell key={key} testId={testId} cell={intervals ? c : { ...c, range: '' }} />
                ) : (
                  <td
                    key={key}
                    className="num muted"
                    data-testid={testId}
                    title="Kappa exists only for the whole table"
                  >
                    {UNDEFINED_MARK}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small definitions" data-testid={`${prefix}-table1-note`}>
        {table.totalNote}
      </p>
    </div>
  );
}
