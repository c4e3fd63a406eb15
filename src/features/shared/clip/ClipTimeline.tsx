// The clip's timeline strip: the four signs' probabilities over time, refused frames shaded, and the chosen moment; click or slide to choose another.

import { CLASS_IDS, CLASS_NAMES } from '../../../core';
import { timelineSeries, type ClipTimelinePoint } from '../../../core/clip';

const WIDTH = 1000;
const HEIGHT = 100;

interface Props {
  timeline: readonly ClipTimelinePoint[];
  durationMs: number;
  /** Position in the timeline (0-based) of the moment shown. */
  chosen: number;
  onChoose: (position: number) => void;
}

export function ClipTimeline({ timeline, durationMs, chosen, onChoose }: Props) {
  const span = Math.max(1, durationMs);
  const x = (t: number) => (t / span) * WIDTH;
  const y = (p: number) => HEIGHT - p * (HEIGHT - 4) - 2;
  // Only read frames draw the lines: a refused frame's probabilities are not evidence (it is shaded instead).
  const series = timelineSeries(
    timeline.map((p) => (p.status === 'read' ? p : { ...p, probabilities: null })),
  );
  const slot = WIDTH / Math.max(1, timeline.length);
  const chosenPoint = timeline[chosen];
  const nearest = (clientX: number, box: DOMRect) => {
    const t = ((clientX - box.left) / Math.max(1, box.width)) * span;
    let best = 0;
    timeline.forEach((p, i) => {
      if (Math.abs(p.timeMs - t) < Math.abs(timeline[best]!.timeMs - t)) best = i;
    });
    return best;
  };
  return (
    <div className="clip-timeline" data-testid="clip-timeline">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label="Probability of each sign over the clip"
        data-testid="clip-timeline-strip"
        onClick={(e) => onChoose(nearest(e.clientX, e.currentTarget.getBoundingClientRect()))}
      >
        {timeline.map((p, i) =>
          p.status === 'read' ? null : (
            <rect
              key={`gap-${p.index}`}
              className={p.status === 'refused' ? 'timeline-refused' : 'timeline-unreadable'}
              x={x(p.timeMs) - slot / 2}
              y={0}
              width={slot}
              height={HEIGHT}
              data-testid={`timeline-${p.status}-${i}`}
            />
          ),
        )}
        {CLASS_IDS.map((id) => {
          // A gap (unreadable frame) breaks the line rather than bridging it.
          const runs: string[][] = [[]];
          for (const s of series[id]) {
            if (s.probability === null) runs.push([]);
            else runs.at(-1)!.push(`${x(s.timeMs).toFixed(1)},${y(s.probability).toFixed(1)}`);
          }
          return runs
            .filter((r) => r.length)
            .map((r, k) =>
              r.length === 1 ? (
                <circle
                  key={`${id}-${k}`}
                  className={`timeline-dot sign-${id}`}
                  cx={r[0]!.split(',')[0]}
                  cy={r[0]!.split(',')[1]}
                  r={4}
                />
              ) : (
                <polyline key={`${id}-${k}`} className={`timeline-line sign-${id}`} points={r.join(' ')} />
              ),
            );
        })}
        {chosenPoint && (
          <line
            className="timeline-now"
            x1={x(chosenPoint.timeMs)}
            x2={x(chosenPoint.timeMs)}
            y1={0}
            y2={HEIGHT}
          />
        )}
      </svg>
      <input
        type="range"
        className="timeline-slider"
        min={0}
        max={Math.max(0, timeline.length - 1)}
        step={1}
        value={chosen}
        aria-label="Moment in the clip"
        aria-valuetext={
          chosenPoint
            ? `${(chosenPoint.timeMs / 1000).toFixed(2)} s, frame ${chosenPoint.index + 1}`
            : undefined
        }
        data-testid="clip-moment"
        onChange={(e) => onChoose(Number(e.target.value))}
      />
      <ul className="timeline-legend" aria-hidden="true">
        {CLASS_IDS.map((id) => (
          <li key={id} className={`sign-${id}`}>
            {CLASS_NAMES[id]}
          </li>
        ))}
        <li className="timeline-legend-refused">refused</li>
      </ul>
    </div>
  );
}
