// One batch row up close: its frame from the chosen folder with the stored region and heat map, the gate's verdict, the probabilities and what produced them.

import { useEffect, useRef, useState } from 'react';
import {
  CLASS_NAMES,
  summariseProbabilities,
  agreement,
  isRefused,
  type BatchRow,
  type BatchScore,
} from '../../core';
import type { ChosenFolder } from '../../sources';
import {
  ExplainedFrame,
  ProbabilityBars,
  ReadOutText,
  GateNotice,
  HeatMapControls,
  type HeatMapView,
} from '../shared';
import { readRowFrame } from './batchFrame';
import { FilePath } from './FilePath';

type Frame = { state: 'reading' } | { state: 'shown'; url: string } | { state: 'problem'; message: string };

interface Props {
  row: BatchRow & { score: BatchScore };
  folder: ChosenFolder | null;
  view: HeatMapView;
  onClose: () => void;
}

/** Give it a key per row: what was revealed and read belongs to one row. */
export function BatchFrameDetail({ row, folder, view, onClose }: Props) {
  const score = row.score;
  const refused = isRefused(row);
  const [frame, setFrame] = useState<Frame>({ state: 'reading' });
  const [revealed, setRevealed] = useState(false);
  const panelRef = useRef<HTMLElement>(null);

  // The stored score is shown as it is: the file is only read to draw it, never classified again.
  useEffect(() => {
    let url: string | null = null;
    let current = true;
    void readRowFrame(folder, row).then((got) => {
      if (!current) return;
      if (got.ok) {
        url = URL.createObjectURL(got.image);
        setFrame({ state: 'shown', url });
      } else {
        setFrame({ state: 'problem', message: got.message });
      }
    });
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [folder, row]);

  // The View button may sit far down a long table: bring the panel to the reader.
  // A body, not an arrow's value: newer Chromium returns a promise here, and React would call it as a cleanup.
  useEffect(() => {
    void panelRef.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const agrees = agreement(row);
  const { runnerUp } = summariseProbabilities(score.probabilities, 0);
  return (
    <section
      ref={panelRef}
      className="panel batch-detail"
      aria-label={`Frame ${row.path}`}
      data-testid="batch-detail"
      data-path={row.path}
      data-frame={frame.state}
    >
      <header className="batch-detail-head">
        <h3>
          <FilePath path={row.path} />
        </h3>
        <button type="button" className="button" data-testid="batch-detail-close" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="batch-detail-body">
        <div className="frame-view">
          {frame.state === 'shown' && <ExplainedFrame imageUrl={frame.url} result={score} view={view} />}
          {frame.state === 'reading' && <p className="muted">Reading the frame from the folder…</p>}
          {frame.state === 'problem' && (
            <p className="banner error" role="alert" data-testid="batch-detail-problem">
              {frame.message}
            </p>
          )}
        </div>
        <div className="batch-detail-side">
          {refused && score.gate && (
            <GateNotice gate={score.gate} revealed={revealed} onReveal={setRevealed} />
          )}
          {(!refused || revealed) && (
            <div className={refused ? 'unreliable' : undefined} data-testid="batch-detail-result">
              {refused && (
                <p className="unreliable-label">Unreliable: the model was not made for this kind of image.</p>
              )}
              <p className="result-label">{refused ? 'The model would say' : 'The model read'}</p>
              <p className="result-sign" data-testid="result-sign" data-top={score.top}>
                <ReadOutText result={{ ...score, runnerUp }} />
              </p>
              {score.lowConfidence && (
                <p className="warning" data-testid="low-confidence">
                  Low confidence: read this frame yourself.
                </p>
              )}
              <ProbabilityBars probabilities={score.probabilities} top={score.top} />
            </div>
          )}
          <p className="result-meta" data-testid="batch-detail-meta">
            Folder label {row.label ? CLASS_NAMES[row.label] : 'none'}
            {agrees !== null && (agrees ? ' · agrees' : ' · differs')} · model {score.modelId} v
            {score.modelVersion} on {score.backend.toUpperCase()} · {Math.round(row.ms)} ms · region{' '}
            {score.crop.width}×{score.crop.height} at ({score.crop.x}, {score.crop.y}) of {score.frameWidth}×
            {score.frameHeight}
          </p>
          {!refused && frame.state === 'shown' && (
            <HeatMapControls
              result={{
                ...score,
                heatMapNote:
                  score.heatMapNote ??
                  'No heat map kept for this row (it was scored before heat maps were kept). Score the folder again to see one.',
              }}
              view={view}
            />
          )}
        </div>
      </div>
    </section>
  );
}
