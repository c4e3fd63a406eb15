// Confusion matrix as a heat map (rows: your label, columns: the model's sign); a cell opens the cases behind it.

import { CLASS_IDS, CLASS_NAMES, CLASS_SHORT_NAMES, type MetricsReport } from '../../../core';

export interface CellChoice {
  truth: number;
  predicted: number;
}

export function ConfusionHeatmap({
  report,
  prefix,
  chosen,
  onChoose,
}: {
  report: MetricsReport;
  prefix: string;
  chosen: CellChoice | null;
  onChoose: (cell: CellChoice) => void;
}) {
  return (
    <table className="heatmap" data-testid={`${prefix}-confusion`}>
      <caption className="muted small">
        Rows: your label. Columns: the model&apos;s sign. Shade: share of the row. Tap a cell to see its
        cases.
      </caption>
      <thead>
        <tr>
          <th scope="col">You \ Model</th>
          {CLASS_IDS.map((id) => (
            <th key={id} scope="col" title={CLASS_NAMES[id]}>
              {CLASS_SHORT_NAMES[id]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {report.matrix.map((row, t) => {
          const rowTotal = row.reduce((a, b) => a + b, 0);
          return (
            <tr key={t}>
              <th scope="row">{CLASS_NAMES[CLASS_IDS[t]!]}</th>
              {row.map((count, p) => {
                const share = rowTotal ? count / rowTotal : 0;
                const diagonal = t === p;
                const isChosen = chosen?.truth === t && chosen.predicted === p;
                return (
                  <td key={p}>
                    <button
                      type="button"
                      className={`heat-cell${diagonal ? ' diagonal' : ''}${isChosen ? ' chosen' : ''}`}
                      data-testid={`${prefix}-cm-${t}-${p}`}
                      data-count={count}
                      style={{
                        background: diagonal
                          ? `rgba(95, 179, 255, ${0.08 + 0.85 * share})`
                          : `rgba(255, 138, 128, ${count ? 0.1 + 0.8 * share : 0})`,
                      }}
                      aria-label={`${count} cases labelled ${CLASS_NAMES[CLASS_IDS[t]!]} that the model called ${CLASS_NAMES[CLASS_IDS[p]!]}`}
                      onClick={() => onChoose({ truth: t, predicted: p })}
                    >
                      <span className="heat-count">{count}</span>
                      <span className="heat-share">{rowTotal ? `${Math.round(share * 100)}%` : ''}</span>
                    </button>
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
