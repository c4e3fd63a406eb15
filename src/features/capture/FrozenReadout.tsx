// Beside a frozen frame: Back to live, the full-resolution read-out with its heat-map controls, and saving it as a case.

import { HeatMapControls, ResultPanel, SaveCasePanel, explainable, type HeatMapView } from '../shared';
import type { Frozen } from './useFrozenFrame';

export function FrozenReadout({
  frozen,
  threshold,
  view,
  onBackToLive,
}: {
  frozen: Frozen;
  /** The model's low-confidence threshold, or null while no model is loaded (no read-out is shown then). */
  threshold: number | null;
  view: HeatMapView;
  onBackToLive: () => void;
}) {
  const explained = explainable(frozen.result);
  return (
    <>
      <button
        type="button"
        className="button primary big freeze-button"
        data-testid="back-to-live"
        onClick={onBackToLive}
      >
        Back to live <kbd>Space</kbd>
      </button>
      {frozen.busy && (
        <p className="muted" data-testid="busy">
          Reading the frozen frame at full resolution…
        </p>
      )}
      {frozen.problem && (
        <div className="banner error" role="alert" data-testid="input-problem">
          {frozen.problem}
        </div>
      )}
      {frozen.result && threshold !== null && <ResultPanel result={frozen.result} threshold={threshold} />}
      {explained && <HeatMapControls result={explained} view={view} />}
      {frozen.result && (
        <SaveCasePanel
          // A new frame or a moved region is a new case to save.
          key={`${frozen.url}|${frozen.result.crop.x},${frozen.result.crop.y},${frozen.result.crop.width},${frozen.result.crop.height}`}
          file={frozen.file}
          result={frozen.result}
        />
      )}
    </>
  );
}
