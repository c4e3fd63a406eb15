// Re-score the library with the model in use: scope, progress bar, rate, ETA, cancel, and resume after a reload.

import { useEffect, useState } from 'react';
import { activeModel, useInference } from '../../app/InferenceContext';
import {
  clearRescoreJob,
  modelKey,
  onCasesChanged,
  readRescoreJob,
  type CaseRecord,
  type RescoreJob,
} from '../../store';
import {
  cancelRescoring,
  currentRescoreProgress,
  isRescoring,
  newRescoreJob,
  onRescoreProgress,
  startRescoring,
  type RescoreProgress,
} from './rescoreCases';

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

export function RescorePanel({ cases }: { cases: readonly CaseRecord[] }) {
  const { client, status } = useInference();
  const info = activeModel(status);
  const [progress, setProgress] = useState<RescoreProgress | null>(currentRescoreProgress());
  const [stored, setStored] = useState<RescoreJob | undefined>();
  const [scope, setScope] = useState<'missing' | 'all'>('missing');

  useEffect(() => onRescoreProgress(setProgress), []);
  useEffect(() => {
    let live = true;
    const load = () =>
      void readRescoreJob()
        .then((j) => live && setStored(j))
        .catch(() => undefined);
    load();
    const off = onCasesChanged(load);
    return () => {
      live = false;
      off();
    };
  }, []);

  if (!info) return null;
  const key = modelKey(info.metadata.id, info.metadata.version);
  const missing = cases.filter((c) => !c.predictions[key]).map((c) => c.id);
  const effectiveScope = missing.length ? scope : 'all';
  const targets = effectiveScope === 'missing' ? missing : cases.map((c) => c.id);
  const running = progress?.running === true && isRescoring();
  // A job left by a reload or a cancel, not running now.
  const leftover =
    !running && stored && stored.state !== 'finished' && stored.remaining.length ? stored : undefined;
  const sameModel =
    leftover && leftover.modelId === info.metadata.id && leftover.modelVersion === info.metadata.version;
  const shown = running ? progress!.job : (progress?.job ?? stored);
  const done = shown ? shown.total - shown.remaining.length : 0;
  const pct = shown && shown.total ? (100 * done) / shown.total : 0;

  const start = (job: RescoreJob) => {
    if (client) void startRescoring(job, client, info.metadata.lowConfidenceThreshold);
  };

  return (
    <section className="panel rescore" aria-labelledby="rescore-title" data-testid="rescore">
      <h3 id="rescore-title">
        Re-score with {info.metadata.displayName} <span className="muted">v{info.metadata.version}</span>
      </h3>
      {running ? (
        <>
          <div
            className="progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={shown!.total}
            aria-valuenow={done}
            aria-label="Re-scoring progress"
            data-testid="rescore-progress"
          >
            <span className="progress-fill" style={{ width: `${pct.toFixed(1)}%` }} />
          </div>
          <p data-testid="rescore-status" data-done={done} data-total={shown!.total}>
            {done} of {shown!.total} cases scored
            {progress!.rate ? ` · ${progress!.rate.toFixed(1)} cases/s` : ''}
            {progress!.etaSeconds !== null ? ` · about ${duration(progress!.etaSeconds)} left` : ''}
          </p>
          <button type="button" className="button" data-testid="rescore-cancel" onClick={cancelRescoring}>
            Cancel
          </button>
        </>
      ) : leftover ? (
        <>
          <p
            data-testid="rescore-status"
            data-done={leftover.total - leftover.remaining.length}
            data-total={leftover.total}
          >
            Re-scoring with {leftover.modelId} v{leftover.modelVersion} stopped at{' '}
            {leftover.total - leftover.remaining.length} of {leftover.total} cases
            {leftover.state === 'cancelled' ? ' (cancelled)' : ' (the app was closed or reloaded)'}.
          </p>
          {progress?.error && (
            <p className="banner error" role="alert">
              {progress.error}
            </p>
          )}
          <div className="row-buttons">
            <button
              type="button"
              className="button primary"
              data-testid="rescore-resume"
              disabled={!sameModel || !client}
              onClick={() => start(leftover)}
            >
              Resume ({leftover.remaining.length} left)
            </button>
            <button
              type="button"
              className="button"
              data-testid="rescore-discard"
              onClick={() => void clearRescoreJob()}
            >
              Discard
            </button>
          </div>
          {!sameModel && (
            <p className="muted">
              Load {leftover.modelId} v{leftover.modelVersion} in Settings to resume, or discard and start
              again.
            </p>
          )}
        </>
      ) : (
        <>
          {shown && shown.state === 'finished' && (
            <p
              data-testid="rescore-status"
              data-done={done}
              data-total={shown.total}
              data-work-ms={shown.workMs}
            >
              Last run: {shown.total} cases with {shown.modelId} v{shown.modelVersion} in{' '}
              {duration(shown.workMs / 1000)}
              {shown.total ? ` (${(shown.workMs / shown.total).toFixed(0)} ms per case)` : ''}
              {shown.refused ? `, ${shown.refused} refused` : ''}
              {shown.failed ? `, ${shown.failed} failed` : ''}.
            </p>
          )}
          {cases.length === 0 ? (
            <p className="muted">No cases yet: save frames from the Classify screen, or restore a backup.</p>
          ) : (
            <>
              <fieldset className="scope">
                <legend className="muted small">Which cases</legend>
                <label className="choice">
                  <input
                    type="radio"
                    name="rescore-scope"
                    checked={effectiveScope === 'missing'}
                    disabled={!missing.length}
                    onChange={() => setScope('missing')}
                  />
                  Cases without a result from this version ({missing.length})
                </label>
                <label className="choice">
                  <input
                    type="radio"
                    name="rescore-scope"
                    data-testid="rescore-scope-all"
                    checked={effectiveScope === 'all'}
                    onChange={() => setScope('all')}
                  />
                  All {cases.length} cases (results of this version are replaced; other versions are kept)
                </label>
              </fieldset>
              <button
                type="button"
                className="button primary"
                data-testid="rescore-start"
                disabled={!client || status.state === 'loading' || targets.length === 0}
                onClick={() => start(newRescoreJob(targets, info.metadata.id, info.metadata.version))}
              >
                Re-score {targets.length} {targets.length === 1 ? 'case' : 'cases'}
              </button>
            </>
          )}
        </>
      )}
    </section>
  );
}
