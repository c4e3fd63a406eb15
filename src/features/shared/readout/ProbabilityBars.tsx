// The four signs' probabilities as bars, the top sign marked; shared by the read-out, the live capture read-out and a batch row's detail.

import { CLASS_IDS, CLASS_NAMES, type ClassId } from '../../../core';

export function ProbabilityBars({
  probabilities,
  top,
  label = 'Probability of each sign',
  testIdPrefix = 'prob',
  decimals = 1,
  stale = false,
}: {
  probabilities: Record<ClassId, number>;
  top: ClassId;
  label?: string;
  /** Each bar's test id is `${testIdPrefix}-${sign}`. */
  testIdPrefix?: string;
  /** Live values change several times a second: whole percents are easier to read there. */
  decimals?: number;
  /** Dimmed: the values are from an earlier frame (a frozen scanner). */
  stale?: boolean;
}) {
  return (
    <ul className={stale ? 'bars stale' : 'bars'} aria-label={label}>
      {CLASS_IDS.map((id) => {
        const p = probabilities[id];
        return (
          <li
            key={id}
            className={id === top ? 'bar top' : 'bar'}
            data-testid={`${testIdPrefix}-${id}`}
            data-value={p}
          >
            <span className="bar-name">{CLASS_NAMES[id]}</span>
            <span className="bar-track" aria-hidden="true">
              <span className="bar-fill" style={{ width: `${(p * 100).toFixed(1)}%` }} />
            </span>
            <span className="bar-value">{(p * 100).toFixed(decimals)}%</span>
          </li>
        );
      })}
    </ul>
  );
}
