// The batch screen: choose or drop a folder, watch progress, sort the results, read the metrics, export CSV, save as cases.

import { useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import {
  CLASS_IDS,
  CLASS_NAMES,
  CLASS_SHORT_NAMES,
  type ClassId,
  agreement,
  batchCounts,
  batchCountsText,
  batchCsv,
  batchStatus,
  reasonBesidePath,
  comparePaths,
  isRefused,
  refusalShortName,
  type BatchRow,
  type BatchScore,
} from '../../core';
import {
  canPickFolderDirectly,
  folderFromDrop,
  folderFromFileList,
  pickFolderDirectly,
  type ChosenFolder,
} from '../../sources';
import { downloadFile, todayStamp, useHeatMapView } from '../shared';
import { BatchFrameDetail } from './BatchFrameDetail';
import { FilePath } from './FilePath';
import { BatchMetrics } from './BatchMetrics';
import { useBatchJob } from './useBatchJob';

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

function formatEta(seconds: number | null): string {
  if (seconds === null) return 'estimating time left';
  if (seconds < 60) return `about ${Math.ceil(seconds)} s left`;
  return `about ${Math.ceil(seconds / 60)} min left`;
}

export function BatchScreen() {
  const { state, start, cancel, discardOffer, saveAsCases } = useBatchJob();
  const inputRef = useRef<HTMLInputElement>(null);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'path', descending: false });
  const [dragging, setDragging] = useState(false);
  /** Refused frames' probabilities are unreliable: shown (and exported) only when asked for. */
  const [showRefused, setShowRefused] = useState(false);
  const [pickError, setPickError] = useState<string | null>(null);
  /** The path of the row shown up close, if any. */
  const [viewing, setViewing] = useState<string | null>(null);
  // One heat-map view for every row looked at: a reader who chose a sign keeps it for the next row.
  const heat = useHeatMapView();
  const running = state.phase === 'running' || state.phase === 'listing';
  const closeDetail = useCallback(() => setViewing(null), []);

  const begin = useCallback(
    (folder: ChosenFolder | null) => {
      if (!folder) return;
      setPickError(null);
      setViewing(null);
      void start(folder);
    },
    [start],
  );

  const choose = useCallback(async () => {
    if (!canPickFolderDirectly()) {
      inputRef.current?.click();
      return;
    }
    try {
      begin(await pickFolderDirectly());
    } catch (error) {
      setPickError(`The folder could not be opened: ${(error as Error).message}`);
    }
  }, [begin]);

  const onInput = (e: ChangeEvent<HTMLInputElement>) => {
    const folder = e.target.files ? folderFromFileList(e.target.files) : null;
    e.target.value = '';
    begin(folder);
  };

  // A folder dropped anywhere on this screen.
  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = () => setDragging(false);
    const drop = (e: DragEvent) => {
      if (!hasFiles(e) || !e.dataTransfer) return;
      e.preventDefault();
      setDragging(false);
      if (running) return;
      folderFromDrop(e.dataTransfer.items).then(
        (folder) =>
          folder
            ? begin(folder)
            : setPickError('Drop a folder here (for a single frame, use the Classify screen).'),
        (error: unknown) => setPickError(`The dropped folder could not be read: ${(error as Error).message}`),
      );
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [begin, running]);

  const { rows, version } = state;
  const scored = useMemo(
    () => rows.filter((r) => r.status === 'scored'),
    // rows is mutated in place; version says when
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, version],
  );
  const notScored = useMemo(
    () => rows.filter((r) => r.status !== 'scored').sort((a, b) => comparePaths(a.path, b.path)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, version],
  );
  const counts = useMemo(
    () => batchCounts(rows),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, version],
  );
  const viewed = useMemo(
    () =>
      viewing
        ? scored.find((r): r is BatchRow & { score: BatchScore } => r.path === viewing && !!r.score)
        : undefined,
    [scored, viewing],
  );
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

  const exportCsv = () =>
    downloadFile(
      batchCsv(rows, { refusedProbabilities: showRefused }),
      `lus-signs-batch-${state.folder?.name || 'folder'}-${todayStamp()}.csv`,
      'text/csv',
    );

  const p = state.progress;
  const finishedOrStopped = state.phase === 'finished' || state.phase === 'cancelled';

  return (
    <div className={dragging ? 'batch dragging' : 'batch'} data-testid="batch" data-phase={state.phase}>
      <div className="intake">
        <button
          type="button"
          className="button primary big"
          data-testid="batch-choose"
          disabled={running || state.waitingForModel}
          onClick={() => void choose()}
        >
          Choose a folder…
        </button>
        <input
          ref={inputRef}
          type="file"
          data-testid="batch-folder-input"
          hidden
          multiple
          // React does not know the attribute; every current browser supports it.
          {...{ webkitdirectory: '' }}
          onChange={onInput}
        />
        <p className="muted">
          …or drop a folder here. Every image inside it (and its sub-folders) is scored on this device.
          Folders named after a sign (a_lines, B-lines, effusion, PE, consolidation, LC…) label the frames
          below them.
        </p>
      </div>

      {state.waitingForModel && (
        <div className="banner model-wait" role="status" data-testid="batch-model-wait">
          The model is still loading. “{state.folder?.name}” will be scored as soon as it is ready.
          <button type="button" className="button" data-testid="batch-cancel-wait" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
      {state.offer && !running && (
        <div
          className="banner warning resume-offer"
          role="status"
          data-testid="batch-resume-offer"
          data-done={state.offer.done}
          data-total={state.offer.total}
        >
          <span>
            A batch of “{state.offer.folderName}” stopped after {state.offer.done} of {state.offer.total}{' '}
            frames. Choose the same folder again to carry on: frames already scored are skipped.
          </span>
          <span className="row-actions">
            {state.folder?.name === state.offer.folderName ? (
              <button
                type="button"
                className="button primary"
                data-testid="batch-resume"
                onClick={() => begin(state.folder)}
              >
                Carry on
              </button>
            ) : (
              <button
                type="button"
                className="button primary"
                data-testid="batch-resume-choose"
                onClick={() => void choose()}
              >
                Choose “{state.offer.folderName}”…
              </button>
            )}
            <button type="button" className="button" data-testid="batch-discard" onClick={discardOffer}>
              Forget it
            </button>
          </span>
        </div>
      )}
      {(pickError || state.error) && (
        <div className="banner error" role="alert" data-testid="batch-error">
          {pickError ?? state.error}
        </div>
      )}

      {state.folder && !state.waitingForModel && (
        <section className="panel batch-status" aria-label="Progress">
          <h2>
            Folder “{state.folder.name}”{' '}
            <span className="muted small">({state.folder.files.length} files)</span>
          </h2>
          {state.phase === 'listing' && <p className="muted">Looking through the folder…</p>}
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
                {state.phase === 'running' ? ` · ${formatEta(p.etaSeconds)}` : ''}
              </span>
              {running && (
                <button type="button" className="button" data-testid="batch-cancel" onClick={cancel}>
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
            {state.phase === 'cancelled' && ' · cancelled'}
            {state.phase === 'finished' && ' · finished'}
          </p>
          <div className="row-buttons">
            <button
              type="button"
              className="button"
              data-testid="batch-export"
              disabled={!rows.length}
              onClick={exportCsv}
            >
              Export CSV
            </button>
            <button
              type="button"
              className="button"
              data-testid="batch-save-cases"
              disabled={!finishedOrStopped || !(counts.scored + counts.refused) || !!state.saving}
              onClick={saveAsCases}
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
      )}

      {finishedOrStopped && counts.labelled > 0 && <BatchMetrics rows={rows} version={version} />}

      {viewed && (
        <BatchFrameDetail
          key={viewed.path}
          row={viewed}
          folder={state.folder}
          view={heat}
          onClose={closeDetail}
        />
      )}

      {scored.length > 0 && (
        <section className="panel" aria-label="Results">
          <h3>
            Results{' '}
            {sorted.length > SHOWN_ROWS && (
              <span className="muted small">
                (first {SHOWN_ROWS} of {sorted.length} shown; the CSV has them all)
              </span>
            )}
          </h3>
          {counts.refused > 0 && (
            <label className="choice batch-show-refused">
              <input
                type="checkbox"
                data-testid="batch-show-refused"
                checked={showRefused}
                onChange={(e) => setShowRefused(e.target.checked)}
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
                {sorted.slice(0, SHOWN_ROWS).map((r) => {
                  const a = agreement(r);
                  const score = r.score!;
                  const refused = isRefused(r);
                  return (
                    <tr
                      key={r.path}
                      className={
                        [refused ? 'refused' : '', r.path === viewing ? 'viewing' : ''].join(' ').trim() ||
                        undefined
                      }
                      data-testid="batch-row"
                      data-path={r.path}
                      data-predicted={score.top}
                      data-gate={score.gate ? (score.gate.pass ? 'passed' : 'refused') : ''}
                    >
                      <td>
                        <button
                          type="button"
                          className="button view-button"
                          data-testid="batch-view"
                          aria-label={`View ${r.path}`}
                          aria-pressed={r.path === viewing}
                          onClick={() => setViewing(r.path)}
                        >
                          View
                        </button>
                      </td>
                      <td>
                        <FilePath path={r.path} />
                      </td>
                      {refused && score.gate ? (
                        <td
                          data-testid="batch-predicted"
                          title={`Refused by the input gate: ${score.gate.message}`}
                        >
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
                            title={
                              refused ? 'Unreliable: the frame was refused by the input gate' : undefined
                            }
                          >
                            {(score.probabilities[id] * 100).toFixed(1)}
                          </td>
                        ),
                      )}
                      <td title={r.labelWarning}>
                        {r.label ? CLASS_NAMES[r.label] : r.labelWarning ? 'conflict' : '—'}
                      </td>
                      <td
                        className={a === false ? 'disagree' : undefined}
                        title={
                          refused && r.label ? 'Refused frames are not counted as agreeing or not' : undefined
                        }
                      >
                        {a === null ? '—' : a ? 'yes' : 'no'}
                      </td>
                      <td className="num">{Math.round(r.ms)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      )}

      {notScored.length > 0 && (
        <section className="panel" aria-label="Not scored">
          <h3>Not scored ({notScored.length})</h3>
          <ul className="batch-not-scored" data-testid="batch-not-scored">
            {notScored.map((r) => (
              <li key={r.path} data-testid="batch-problem" data-path={r.path} data-status={batchStatus(r)}>
                <FilePath path={r.path} /> <span className="muted">· {batchStatus(r)} ·</span>{' '}
                <span data-testid="batch-reason">{reasonBesidePath(r.path, r.reason)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {dragging && !running && <div className="drop-overlay">Drop the folder to score every frame in it</div>}
    </div>
  );
}
