// Confusion matrix as a heat map (rows: the label, columns: the model's sign); where cases can be opened, a cell opens the cases behind it.

import { CLASS_IDS, CLASS_NAMES, CLASS_SHORT_NAMES } from '../../../core';

export interface CellChoice {
  truth: number;
  predicted: number;
}

/** Whose labels the rows hold, as the caption and the corner say it. */
const ROWS = {
  reader: { caption: 'your label', corner: 'You' },
  folder: { caption: 'the folder label', corner: 'Folder' },
  library: { caption: 'the library label', corner: 'Label' },
} as const;

export function ConfusionHeatmap({
  matrix,
  prefix,
  rows = 'reader',
  chosen = null,
  onChoose,
}: {
  matrix: readonly (readonly number[])[];
  /** Test ids: `${prefix}-confusion`, and `${prefix}-cm-<row>-<column>` for each cell (with data-count). */
  prefix: string;
  /** The dashboard's rows are a reader's labels, a batch's its folders', site adaptation's the library's. */
  rows?: keyof typeof ROWS;
  chosen?: CellChoice | null;
  /** Given where a cell's cases can be opened (the dashboard): each cell becomes a button. */
  onChoose?: (cell: CellChoice) => void;
}) {
  return (
    <table className="heatmap" data-testid={`${prefix}-confusion`}>
      <caption className="muted small">
        {`Rows: ${ROWS[rows].caption}. Columns: the model's sign. Shade: share of the row.${onChoose ? ' Tap a cell to see its cases.' : ''}`}
      </caption>
      <thead>
        <tr>
          <th scope="col">{ROWS[rows].corner} \ Model</th>
          {CLASS_IDS.map((id) => (
            <th key={id} scope="col" title={CLASS_NAMES[id]}>
              {CLASS_SHORT_NAMES[id]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, t) => {
          const rowTotal = row.reduce((a, b) => a + b, 0);
          return (
            <tr key={t}>
              <th scope="row">{CLASS_NAMES[CLASS_IDS[t]!]}</th>
              {row.map((count, p) => {
                const share = rowTotal ? count / rowTotal : 0;
                const diagonal = t === p;
                const isChosen = chosen?.truth === t && chosen.predicted === p;
                const cell = {
                  className: `heat-cell${diagonal ? ' diagonal' : ''}${isChosen ? ' chosen' : ''}${onChoose ? '' : ' still'}`,
                  'data-testid': `${prefix}-cm-${t}-${p}`,
                  'data-count': count,
                  style: {
                    background: diagonal
                      ? `rgba(95, 179, 255, ${0.08 + 0.85 * share})`
                      : `rgba(255, 138, 128, ${count ? 0.1 + 0.8 * share : 0})`,
                  },
                };
                const text = `${count} cases labelled ${CLASS_NAMES[CLASS_IDS[t]!]} that the model called ${CLASS_NAMES[CLASS_IDS[p]!]}`;
                const inside = (
                  <>
                    <span className="heat-count">{count}</span>
                    <span className="heat-share">{rowTotal ? `${Math.round(share * 100)}%` : ''}</span>
                  </>
                );
                return (
                  <td key={p}>
                    {onChoose ? (
                      <button
                        type="button"
                        {...cell}
                        aria-label={text}
                        onClick={() => onChoose({ truth: t, predicted: p })}
                      >
                        {inside}
                      </button>
                    ) : (
                      <span {...cell} title={text}>
                        {inside}
                      </span>
                    )}
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
