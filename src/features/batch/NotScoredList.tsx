// The files the batch did not score (unreadable or skipped), each with its reason beside its path.

import { batchStatus, reasonBesidePath, type BatchRow } from '../../core';
import { FilePath } from './FilePath';

export function NotScoredList({ rows }: { rows: readonly BatchRow[] }) {
  if (!rows.length) return null;
  return (
    <section className="panel" aria-label="Not scored">
      <h3>Not scored ({rows.length})</h3>
      <ul className="batch-not-scored" data-testid="batch-not-scored">
        {rows.map((r) => (
          <li key={r.path} data-testid="batch-problem" data-path={r.path} data-status={batchStatus(r)}>
            <FilePath path={r.path} /> <span className="muted">· {batchStatus(r)} ·</span>{' '}
            <span data-testid="batch-reason">{reasonBesidePath(r.path, r.reason)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
