// Controls for the heat map: show or hide, opacity, and which signs' evidence to draw; or why there is no map.
import { CLASS_IDS, CLASS_NAMES, type FrameResult } from '../../../core';
import type { HeatMapView } from './useHeatMapView';

/** Takes a live result or a batch row's stored score: only the map, its note and the top sign matter here. */
export function HeatMapControls({
  result,
  view,
}: {
  result: Pick<FrameResult, 'heatMap' | 'heatMapNote' | 'top'>;
  view: HeatMapView;
}) {
  if (!result.heatMap) {
    return (
      <p className="muted heat-note" data-testid="heat-unavailable">
        {result.heatMapNote ?? 'No heat map for this result.'}
      </p>
    );
  }
  const chosen = view.classesFor(result.top);
  return (
    <fieldset className="heat-controls" data-testid="heat-controls">
      <legend>Where the model looked</legend>
      <label className="heat-toggle">
        <input
          type="checkbox"
          checked={view.shown}
          onChange={(e) => view.setShown(e.target.checked)}
          data-testid="heat-shown"
        />
        Show heat map
      </label>
      <div className="heat-classes" role="group" aria-label="Signs to show">
        {CLASS_IDS.map((id) => (
          <button
            key={id}
            type="button"
            className={chosen.includes(id) && view.shown ? 'chip on' : 'chip'}
            aria-pressed={chosen.includes(id) && view.shown}
            onClick={() => view.toggleClass(id, result.top)}
            data-testid={`heat-class-${id}`}
          >
            {CLASS_NAMES[id]}
          </button>
        ))}
      </div>
      <label className="heat-opacity">
        Opacity
        <input
          type="range"
          min={0}
          max={100}
          step={5}
          value={Math.round(view.opacity * 100)}
          onChange={(e) => view.setOpacity(Number(e.target.value) / 100)}
          data-testid="heat-opacity"
        />
        <span className="muted">{Math.round(view.opacity * 100)}%</span>
      </label>
      <p className="muted heat-note">
        Bright areas pushed the model towards the chosen sign. It shows where the model looked, not a
        diagnosis; {result.heatMap.width}×{result.heatMap.height} cells, so edges are approximate.
      </p>
    </fieldset>
  );
}
