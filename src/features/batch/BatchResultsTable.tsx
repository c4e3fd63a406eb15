// The scored frames, sortable by any column; refused frames are marked and their probabilities hidden unless asked for.

import { useMemo, useState } from 'react';
import {
  CLASS_IDS,
  CLASS_NAMES,
  CLASS_SHORT_NAMES,
  agreement,
  comparePaths,
  isRefused,
  refusalShortName,
  type BatchRow,
  type ClassId,
} from '../../core';
import { FilePath } from './FilePath';

type SortKey = 'path' | 'predicted' | `p_${ClassId}` | 'label' | 'agree' | 'ms';

/** Rendering thousands of rows would stall a tablet; the CSV always holds every row. */
const SHOWN_ROWS = 500;

function sortValue(row: BatchRow, key: SortKey, showRefused: boolean): string | number {
  switch (key) {
    case 'path':
      return row.path;
    case 'predicted':
      // Refused frames after every sign: their sign is not an answer.
      return row.score ? (isRefused(row) ? CLASS_IDS.length : CLASS_IDS.indexOf(row.score.top)) : -1;
    case 'label':
      return row.label ? CLASS_IDS.indexOf(row.label) : -1;
    case 'agree': {
      const a = agreement(row);
      return a === null ? -1 : a ? 1 : 0;
    }
    case 'ms':
      return row.ms;
    default:
      return row.score && (showRefused || !isRefused(row))
        ? row.score.probabilities[key.slice(2) as ClassId]
        : -1;
  }
}

export function BatchResultsTable({
  scored,
  refusedCount,
  showRefused,
  onShowRefused,
  viewing,
  onView,
}: {
  scored: readonly BatchRow[];
  refusedCount: number;
  /** Refused frames' probabilities are unreliable: shown (and exported) only when asked for. */
  showRefused: boolean;
  onShowRefused: (show: boolean) => void;
  /** The path of the row shown up close, if any. */
  viewing: string | null;
  onView: (path: string) => void;
}) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'path', descending: false });
  const sorted = useMemo(() => {
    const dir = sort.descending ? -1 : 1;
    return [...scored].sort((a, b) => {
      const x = sortValue(a, sort.key, showRefused);
      const y = sortValue(b, sort.key, showRefused);
      return (x < y ? -1 : x > y ? 1 : comparePaths(a.path, b.path)) * dir;
    });
  }, [scored, sort, showRefused]);

  const header = (key: SortKey, label: string, numeric = false) => (
    <th
      scope="col"
      className={numeric ? 'num' : undefined}
      aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
    >
      <button
        type="button"
        className="sort-button"
        data-testid={`sort-${key}`}
        onClick={() => setSort((s) => ({ key, descending: s.key === key ? !s.descending : false }))}
      >
        {label}
        {sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );

  return (
    <section className="panel" aria-label="Results">
      <h3>
        Results{' '}
        {sorted.length > SHOWN_ROWS && (
          <span className="muted small">
            (first {SHOWN_ROWS} of {sorted.length} shown; the CSV has them all)
          </span>
        )}
      </h3>
      {refusedCount > 0 && (
        <label className="choice batch-show-refused">
          <input
            type="checkbox"
            data-testid="batch-show-refused"
            checked={showRefused}
            onChange={(e) => onShowRefused(e.target.checked)}
          />
          Show the probabilities of refused frames (unreliable), here and in the exported CSV
        </label>
      )}
      <div className="batch-table-wrap">
        <table className="batch-table" data-testid="batch-table" data-rows={sorted.length}>
          <thead>
            <tr>
              <th scope="col">Frame</th>
              {header('path', 'File')}
              {header('predicted', 'Predicted sign')}
              {CLASS_IDS.map((id) => (
                <th key={id} scope="col" className="num" title={CLASS_NAMES[id]}>
                  <button
                    type="button"
                    className="sort-button"
                    data-testid={`sort-p_${id}`}
                    onClick={() =>
                      setSort((s) => ({
                        key: `p_${id}`,
                        descending: s.key === `p_${id}` ? !s.descending : true,
                      }))
                    }
                  >
                    {CLASS_SHORT_NAMES[id]}
                    {sort.key === `p_${id}` ? (sort.descending ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
              {header('label', 'Folder label')}
              {header('agree', 'Agree')}
              {header('ms', 'ms', true)}
            </tr>
          </thead>
          <tbody>
            {sorted.slice(0, SHOWN_ROWS).map((r) => (
              <ResultRow
                key={r.path}
                row={r}
                showRefused={showRefused}
                viewing={r.path === viewing}
                onView={() => onView(r.path)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ResultRow({
  row: r,
  showRefused,
  viewing,
  onView,
}: {
  row: BatchRow;
  showRefused: boolean;
  viewing: boolean;
  onView: () => void;
}) {
  const a = agreement(r);
  const score = r.score!;
  const refused = isRefused(r);
  return (
    <tr
      className={[refused ? 'refused' : '', viewing ? 'viewing' : ''].join(' ').trim() || undefined}
      data-testid="batch-row"
      data-path={r.path}
      data-predicted={score.top}
      data-gate={score.gate ? (score.gate.pass ? 'passed' : 'refused') : ''}
      data-kind={r.clip ? 'clip' : 'frame'}
    >
      <td>
        {r.clip ? (
          // A clip's frames are not kept while a batch runs: open it on the Classify screen to watch it.
          <span
            className="muted small"
            title="Drop the clip on the Classify screen to watch it frame by frame"
          >
            Clip
          </span>
        ) : (
          <button
            type="button"
            className="button view-button"
            data-testid="batch-view"
            aria-label={`View ${r.path}`}
            aria-pressed={viewing}
            onClick={onView}
          >
            View
          </button>
        )}
      </td>
      <td>
        <FilePath path={r.path} />
        {r.clip?.framesSampled !== undefined && (
          <span
            className="muted small batch-clip-counts"
            data-testid="batch-clip-counts"
            data-read={r.clip.framesRead}
          >
            {' '}
            clip: {r.clip.framesRead} of {r.clip.framesSampled} frames read
            {r.clip.framesRefused ? `, ${r.clip.framesRefused} refused` : ''}
          </span>
        )}
      </td>
      {refused && score.gate ? (
        <td data-testid="batch-predicted" title={`Refused by the input gate: ${score.gate.message}`}>
          <span className="refused-mark">Refused</span>
          <span className="refused-why">{refusalShortName(score.gate)}</span>
        </td>
      ) : (
        <td data-testid="batch-predicted">{CLASS_NAMES[score.top]}</td>
      )}
      {CLASS_IDS.map((id) =>
        refused && !showRefused ? (
          <td
            key={id}
            className="num muted"
            data-testid={`batch-p-${id}`}
            data-value=""
            title="Refused: no probabilities (tick “Show the probabilities of refused frames” to see them)"
          >
            —
          </td>
        ) : (
          <td
            key={id}
            className={refused ? 'num unreliable-cell' : 'num'}
            data-testid={`batch-p-${id}`}
            data-value={score.probabilities[id]}
            title={refused ? 'Unreliable: the frame was refused by the input gate' : undefined}
          >
            {(score.probabilities[id] * 100).toFixed(1)}
          </td>
        ),
      )}
      <td title={r.labelWarning}>{r.label ? CLASS_NAMES[r.label] : r.labelWarning ? 'conflict' : '—'}</td>
      <td
        className={a === false ? 'disagree' : undefined}
        title={refused && r.label ? 'Refused frames are not counted as agreeing or not' : undefined}
      >
        {a === null ? '—' : a ? 'yes' : 'no'}
      </td>
      <td className="num">{Math.round(r.ms)}</td>
    </tr>
  );
}
