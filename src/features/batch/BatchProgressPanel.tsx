// The folder being scored: progress with frames/s and time left, what happened to every file, export and save.

import { batchCountsText, type batchCounts } from '../../core';
import type { BatchState } from './batchState';

function formatEta(seconds: number | null): string {
  if (seconds === null) return 'estimating time left';
  if (seconds < 60) return `about ${Math.ceil(seconds)} s left`;
  return `about ${Math.ceil(seconds / 60)} min left`;
}

export function BatchProgressPanel({
  state,
  counts,
  onCancel,
  onExport,
  onSave,
}: {
  state: BatchState;
  counts: ReturnType<typeof batchCounts>;
  onCancel: () => void;
  onExport: () => void;
  onSave: () => void;
}) {
  const { folder, progress: p, phase } = state;
  if (!folder) return null;
  const running = phase === 'running' || phase === 'listing';
  const finishedOrStopped = phase === 'finished' || phase === 'cancelled';
  return (
    <section className="panel batch-status" aria-label="Progress">
      <h2>
        Folder “{folder.name}” <span className="muted small">({folder.files.length} files)</span>
      </h2>
      {phase === 'listing' && <p className="muted">Looking through the folder…</p>}
      {p && (
        <div
          className="batch-progress"
          data-testid="batch-progress"
          data-done={p.done}
          data-total={p.total}
          data-fps={p.framesPerSecond.toFixed(2)}
        >
          <progress max={Math.max(1, p.total)} value={p.done} />
          <span>
            {p.done} of {p.total} frames · {p.framesPerSecond.toFixed(1)} frames/s
            {phase === 'running' ? ` · ${formatEta(p.etaSeconds)}` : ''}
          </span>
          {running && (
            <button type="button" className="button" data-testid="batch-cancel" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      )}
      {state.resumedFrames > 0 && (
        <p className="muted" data-testid="batch-resumed" data-count={state.resumedFrames}>
          Resumed: {state.resumedFrames} frames scored before were skipped.
        </p>
      )}
      <p
        data-testid="batch-summary"
        data-scored={counts.scored}
        data-refused={counts.refused}
        data-unreadable={counts.unreadable}
        data-skipped={counts.skipped}
        data-labelled={counts.labelled}
        data-agree={counts.agree}
      >
        {batchCountsText(counts)}
        {counts.labelled > 0 &&
          ` · agrees with the folder label on ${counts.agree} of ${counts.labelled} labelled frames`}
        {phase === 'cancelled' && ' · cancelled'}
        {phase === 'finished' && ' · finished'}
      </p>
      <div className="row-buttons">
        <button
          type="button"
          className="button"
          data-testid="batch-export"
          disabled={!state.rows.length}
          onClick={onExport}
        >
          Export CSV
        </button>
        <button
          type="button"
          className="button"
          data-testid="batch-save-cases"
          disabled={!finishedOrStopped || !(counts.scored + counts.refused) || !!state.saving}
          onClick={onSave}
        >
          Save all as cases
        </button>
        {state.saving && (
          <span className="muted" data-testid="batch-saving">
            Saving {state.saving.done} of {state.saving.total}…
          </span>
        )}
        {state.saved && (
          <span
            data-testid="batch-save-result"
            data-created={state.saved.created}
            data-existing={state.saved.existing}
            data-failed={state.saved.failed.length}
          >
            {state.saved.created} new cases, {state.saved.existing} already in the library
            {state.saved.failed.length ? `, ${state.saved.failed.length} could not be saved` : ''}.
          </span>
        )}
      </div>
    </section>
  );
}
