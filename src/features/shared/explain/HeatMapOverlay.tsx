// Draws a result's heat map over the frame, aligned with the crop the model read (fills its positioned parent).
import { useEffect, useRef } from 'react';
import { classHeat, heatImage, heatMapFrameRect, type ClassId, type HeatMap, type Rect } from '../../../core';

interface Props {
  heatMap: HeatMap;
  crop: Rect;
  frameWidth: number;
  frameHeight: number;
  classes: ClassId[];
  opacity: number;
}

/** Longest side of the drawing canvas: the cells are smoothed, so more pixels add nothing. */
const CANVAS_SIDE = 640;

export function HeatMapOverlay({ heatMap, crop, frameWidth, frameHeight, classes, opacity }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const scale = Math.min(1, CANVAS_SIDE / Math.max(frameWidth, frameHeight));
  const width = Math.max(1, Math.round(frameWidth * scale));
  const height = Math.max(1, Math.round(frameHeight * scale));

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    ctx.clearRect(0, 0, width, height);
    if (classes.length === 0) return;
    // Several signs: each cell shows the strongest of the chosen signs' heat.
    const heat = new Float32Array(heatMap.width * heatMap.height);
    for (const id of classes) {
      const h = classHeat(heatMap, id);
      for (let p = 0; p < heat.length; p++) heat[p] = Math.max(heat[p]!, h[p]!);
    }
    const cells = heatImage(heat, heatMap.width, heatMap.height);
    const small = document.createElement('canvas');
    small.width = heatMap.width;
    small.height = heatMap.height;
    small
      .getContext('2d')!
      .putImageData(new ImageData(new Uint8ClampedArray(cells.data), cells.width, cells.height), 0, 0);
    const rect = heatMapFrameRect(heatMap, crop);
    ctx.save();
    // Only the crop: the padding the model saw is not part of the frame.
    ctx.beginPath();
    ctx.rect(crop.x * scale, crop.y * scale, crop.width * scale, crop.height * scale);
    ctx.clip();
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(small, rect.x * scale, rect.y * scale, rect.width * scale, rect.height * scale);
    ctx.restore();
  }, [heatMap, crop, classes, width, height, scale]);

  return (
    <canvas
      ref={canvasRef}
      className="heat-overlay"
      data-testid="heat-overlay"
      data-classes={classes.join(' ')}
      width={width}
      height={height}
      style={{ opacity }}
      aria-hidden="true"
    />
  );
}
