// Shows the frame with the region the model reads; the user can move or resize it (pointer or keyboard), or only look.

import {
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
} from 'react';
import type { Rect } from '../../../core';

interface Props {
  imageUrl?: string;
  /** Shown instead of an image (the live video of the capture screen); it must fill the box. */
  media?: ReactNode;
  frameWidth: number;
  frameHeight: number;
  crop: Rect;
  /** Omitted: the region is drawn but cannot be moved (a batch row is shown as it was scored). */
  onCropChange?: (crop: Rect) => void;
}

type DragMode = 'move' | 'resize';

export function CropEditor({ imageUrl, media, frameWidth, frameHeight, crop, onCropChange }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const [draft, setDraft] = useState<Rect | null>(null);
  const drag = useRef<{ mode: DragMode; startX: number; startY: number; start: Rect } | null>(null);
  const shown = draft ?? crop;

  const toFrame = (dxPx: number, dyPx: number) => {
    const box = boxRef.current!.getBoundingClientRect();
    return { dx: (dxPx / box.width) * frameWidth, dy: (dyPx / box.height) * frameHeight };
  };

  const clamp = (r: Rect): Rect => {
    const minSide = Math.max(16, Math.min(frameWidth, frameHeight) * 0.05);
    const width = Math.min(frameWidth, Math.max(minSide, r.width));
    const height = Math.min(frameHeight, Math.max(minSide, r.height));
    return {
      x: Math.round(Math.min(frameWidth - width, Math.max(0, r.x))),
      y: Math.round(Math.min(frameHeight - height, Math.max(0, r.y))),
      width: Math.round(width),
      height: Math.round(height),
    };
  };

  const begin = (mode: DragMode) => (e: PointerEvent) => {
    e.preventDefault();
    e.stopPropagation();
    (e.target as Element).setPointerCapture(e.pointerId);
    drag.current = { mode, startX: e.clientX, startY: e.clientY, start: shown };
  };
  const move = (e: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const { dx, dy } = toFrame(e.clientX - d.startX, e.clientY - d.startY);
    setDraft(
      clamp(
        d.mode === 'move'
          ? { ...d.start, x: d.start.x + dx, y: d.start.y + dy }
          : { ...d.start, width: d.start.width + dx, height: d.start.height + dy },
      ),
    );
  };
  const end = () => {
    if (drag.current && draft) onCropChange?.(draft);
    drag.current = null;
    setDraft(null);
  };
  const keyboard = (e: KeyboardEvent) => {
    const step = Math.max(2, Math.round(Math.min(frameWidth, frameHeight) * 0.02));
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    onCropChange?.(
      clamp(
        e.shiftKey
          ? { ...crop, width: crop.width + m[0], height: crop.height + m[1] }
          : { ...crop, x: crop.x + m[0], y: crop.y + m[1] },
      ),
    );
  };

  const box = frameBoxStyle(frameWidth, frameHeight);
  const pct = (v: number, total: number) => `${(v / total) * 100}%`;
  const place = {
    left: pct(shown.x, frameWidth),
    top: pct(shown.y, frameHeight),
    width: pct(shown.width, frameWidth),
    height: pct(shown.height, frameHeight),
  };
  if (!onCropChange) {
    return (
      <div className="crop-editor" ref={boxRef} style={box}>
        {media ?? <img src={imageUrl} alt="The frame that was read" draggable={false} />}
        <div
          className="crop-rect fixed"
          data-testid="crop-rect"
          role="img"
          aria-label={`Region the model read: x ${crop.x}, y ${crop.y}, ${crop.width} by ${crop.height} pixels`}
          style={place}
        />
      </div>
    );
  }
  return (
    <div className="crop-editor" ref={boxRef} style={box}>
      {media ?? <img src={imageUrl} alt="The frame being read" draggable={false} />}
      <div
        className="crop-rect"
        data-testid="crop-rect"
        role="slider"
        tabIndex={0}
        aria-label="Region the model reads. Arrow keys move it; Shift with arrow keys resizes it."
        aria-valuetext={`x ${shown.x}, y ${shown.y}, ${shown.width} by ${shown.height} pixels`}
        style={place}
        onPointerDown={begin('move')}
        onPointerMove={move}
        onPointerUp={end}
        onPointerCancel={end}
        onKeyDown={keyboard}
      >
        <span
          className="crop-handle"
          aria-hidden="true"
          onPointerDown={begin('resize')}
          onPointerMove={move}
          onPointerUp={end}
          onPointerCancel={end}
        />
      </div>
    </div>
  );
}

/**
 * The frame keeps its aspect ratio and is never taller than --frame-max-height (set per screen width in
 * theme.css), so on a portrait tablet or a phone the read-out below it stays on screen.
 */
export function frameBoxStyle(frameWidth: number, frameHeight: number): CSSProperties {
  return {
    aspectRatio: `${frameWidth} / ${frameHeight}`,
    maxWidth: `calc(var(--frame-max-height) * ${(frameWidth / Math.max(1, frameHeight)).toFixed(4)})`,
  };
}
