// The live read-out: the steady sign, or why there is none (searching, no image, scanner frozen), smoothed
// probabilities, a confidence trend, and how fast the model keeps up.

import { type ImageActivity, type SmoothedReadout, type TrendPoint } from '../../core';
import { ProbabilityBars, ReadOutText } from '../shared';
import type { LiveStats } from './liveCapture';

interface Props {
  readout: SmoothedReadout | null;
  trend: readonly TrendPoint[];
  activity: ImageActivity;
  searching: boolean;
  stats: LiveStats | null;
  threshold: number;
}

type LiveState = 'searching' | 'no-image' | 'frozen' | 'waiting' | 'reading';

function liveState(p: Props): LiveState {
  if (p.searching) return 'searching';
  if (p.activity === 'blank') return 'no-image';
  if (p.activity === 'frozen') return 'frozen';
  return p.readout ? 'reading' : 'waiting';
}

const HEADLINE: Record<Exclude<LiveState, 'reading'>, string> = {
  searching: 'Finding the image…',
  'no-image': 'No ultrasound image',
  frozen: 'Image frozen on the scanner',
  waiting: 'Reading…',
};

const EXPLAIN: Record<Exclude<LiveState, 'reading'>, string> = {
  searching: 'Keep the probe on the patient for a few seconds: the moving image is how LUS Signs finds it.',
  'no-image':
    'The region is blank. Check the scanner shows an image, or press "Detect the scan region again" if the layout changed.',
  frozen:
    'Nothing has moved for a while: the scanner is probably frozen. Unfreeze it to read live; the last read-out is kept below.',
  waiting: 'The first live frames are with the model.',
};

function Trend({ points }: { points: readonly TrendPoint[] }) {
  if (points.length < 2) return null;
  const t0 = points[0]!.at;
  const span = Math.max(1, points.at(-1)!.at - t0);
  const path = points
    .map((p, i) => `${i ? 'L' : 'M'}${((p.at - t0) / span) * 300},${(1 - p.confidence) * 60}`)
    .join(' ');
  return (
    <figure className="trend" data-testid="confidence-trend">
      <svg
        viewBox="0 0 300 60"
        preserveAspectRatio="none"
        role="img"
        aria-label="Confidence over the last seconds"
      >
        <line x1="0" y1="30" x2="300" y2="30" className="trend-mid" />
        <path d={path} className="trend-line" />
      </svg>
      <figcaption className="muted small">
        Confidence of the shown sign, last {Math.round(span / 1000)} s (top line 100%, middle 50%)
      </figcaption>
    </figure>
  );
}

export function LiveReadoutPanel(props: Props) {
  const { readout, trend, stats, threshold } = props;
  const state = liveState(props);
  const showBars = readout && state !== 'no-image' && state !== 'searching';
  const low = readout ? readout.probabilities[readout.top] < threshold : false;
  return (
    <section className="result live" aria-live="polite" data-testid="live-readout" data-state={state}>
      <p className="result-label">{state === 'reading' ? 'Live, smoothed over 2 s' : 'Live'}</p>
      {state === 'reading' && readout ? (
        <p className="result-sign" data-testid="live-sign" data-top={readout.top}>
          <ReadOutText result={readout} />
        </p>
      ) : (
        <>
          <p className={`result-sign live-${state}`} data-testid="live-sign" data-top="">
            {HEADLINE[state as Exclude<LiveState, 'reading'>]}
          </p>
          <p className="muted">{EXPLAIN[state as Exclude<LiveState, 'reading'>]}</p>
        </>
      )}
      {state === 'reading' && low && (
        <p className="warning" role="status">
          Low confidence: below {Math.round(threshold * 100)}%. Read the image yourself.
        </p>
      )}
      {showBars && (
        <ProbabilityBars
          probabilities={readout.probabilities}
          top={readout.top}
          label="Smoothed probability of each sign"
          testIdPrefix="live-prob"
          decimals={0}
          stale={state === 'frozen'}
        />
      )}
      {showBars && <Trend points={trend} />}
      {stats && (
        <p
          className="result-meta"
          data-testid="live-stats"
          data-classified={stats.classified}
          data-per-second={stats.classifiedPerSecond.toFixed(2)}
          data-dropped={stats.dropped}
          data-video-per-second={stats.videoPerSecond.toFixed(2)}
        >
          {stats.classifiedPerSecond.toFixed(1)} read-outs a second
          {stats.backend ? ` on ${stats.backend.toUpperCase()}` : ''} from video at{' '}
          {stats.videoPerSecond.toFixed(0)} frames/s; {stats.dropped} frames skipped so the read-out is always
          of the newest frame.
        </p>
      )}
    </section>
  );
}
