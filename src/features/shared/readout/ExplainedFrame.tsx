// A read frame with the region the model read and, over it, where the model looked (never for a refused frame).

import type { Rect } from '../../../core';
import { HeatMapOverlay, explainable, type ExplainableResult, type HeatMapView } from '../explain';
import { CropEditor, frameBoxStyle } from './CropEditor';

interface Props {
  imageUrl: string;
  result: ExplainableResult;
  view: HeatMapView;
  /** Omitted where the region cannot be changed: a batch row is shown as it was scored. */
  onCropChange?: (crop: Rect) => void;
}

/** The overlay fills the same box as the editor, so the map's cells land on the crop it was computed for. */
export function ExplainedFrame({ imageUrl, result, view, onCropChange }: Props) {
  const explained = explainable(result);
  return (
    <div
      className="heat-frame"
      style={{ maxWidth: frameBoxStyle(result.frameWidth, result.frameHeight).maxWidth }}
    >
      <CropEditor
        imageUrl={imageUrl}
        frameWidth={result.frameWidth}
        frameHeight={result.frameHeight}
        crop={result.crop}
        onCropChange={onCropChange}
      />
      {explained?.heatMap && view.shown && (
        <HeatMapOverlay
          heatMap={explained.heatMap}
          crop={explained.crop}
          frameWidth={explained.frameWidth}
          frameHeight={explained.frameHeight}
          classes={view.classesFor(explained.top)}
          opacity={view.opacity}
        />
      )}
    </div>
  );
}
