// The batch screen: choose or drop a folder, watch progress, sort the results, read the metrics, export CSV, save as cases.

import { useCallback, useMemo, useState } from 'react';
import { batchCounts, batchCsv, comparePaths, type BatchRow, type BatchScore } from '../../core';
import type { ChosenFolder } from '../../sources';
import { downloadFile, todayStamp, useHeatMapView } from '../shared';
import { BatchFrameDetail } from './BatchFrameDetail';
import { BatchMetrics } from './BatchMetrics';
import { BatchProgressPanel } from './BatchProgressPanel';
import { BatchResultsTable } from './BatchResultsTable';
import { FolderIntake, useFolderPicker } from './FolderIntake';
import { NotScoredList } from './NotScoredList';
import { ResumeOffer } from './ResumeOffer';
import { useBatchJob } from './useBatchJob';
import { useFolderDrop } from './useFolderDrop';

export function BatchScreen() {
  const { state, start, cancel, discardOffer, saveAsCases } = useBatchJob();
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
  const picker = useFolderPicker(begin, setPickError);
  const dragging = useFolderDrop(running, begin, setPickError);

  const { rows } = state;
  const scored = useMemo(() => rows.filter((r) => r.status === 'scored'), [rows]);
  const notScored = useMemo(
    () => rows.filter((r) => r.status !== 'scored').sort((a, b) => comparePaths(a.path, b.path)),
    [rows],
  );
  const counts = useMemo(() => batchCounts(rows), [rows]);
  const viewed = useMemo(
    () =>
      viewing
        ? scored.find((r): r is BatchRow & { score: BatchScore } => r.path === viewing && !!r.score)
        : undefined,
    [scored, viewing],
  );

  const exportCsv = () =>
    downloadFile(
      batchCsv(rows, { refusedProbabilities: showRefused }),
      `lus-signs-batch-${state.folder?.name || 'folder'}-${todayStamp()}.csv`,
      'text/csv',
    );

  const finishedOrStopped = state.phase === 'finished' || state.phase === 'cancelled';

  return (
    <div className={dragging ? 'batch dragging' : 'batch'} data-testid="batch" data-phase={state.phase}>
      <FolderIntake picker={picker} disabled={running || state.waitingForModel} />

      {state.waitingForModel && (
        <div className="banner model-wait" role="status" data-testid="batch-model-wait">
          The model is still loading. “{state.folder?.name}” will be scored as soon as it is ready.
          <button type="button" className="button" data-testid="batch-cancel-wait" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
      {state.offer && !running && (
        <ResumeOffer
          offer={state.offer}
          haveFolder={state.folder?.name === state.offer.folderName}
          onCarryOn={() => begin(state.folder)}
          onChoose={() => void picker.choose()}
          onDiscard={discardOffer}
        />
      )}
      {(pickError || state.error) && (
        <div className="banner error" role="alert" data-testid="batch-error">
          {pickError ?? state.error}
        </div>
      )}

      {!state.waitingForModel && (
        <BatchProgressPanel
          state={state}
          counts={counts}
          onCancel={cancel}
          onExport={exportCsv}
          onSave={saveAsCases}
        />
      )}

      {finishedOrStopped && counts.labelled > 0 && <BatchMetrics rows={rows} />}

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
        <BatchResultsTable
          scored={scored}
          refusedCount={counts.refused}
          showRefused={showRefused}
          onShowRefused={setShowRefused}
          viewing={viewing}
          onView={setViewing}
        />
      )}

      <NotScoredList rows={notScored} />
      {dragging && !running && <div className="drop-overlay">Drop the folder to score every frame in it</div>}
    </div>
  );
}
