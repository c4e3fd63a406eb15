// How metric values read on screen and in CSV: percentages like the study's Table 1, "—" for undefined.

import type { Interval } from './intervals';

export const UNDEFINED_MARK = '—';

const usable = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** 0.9751 → "97.51"; null, NaN or Infinity → "—". */
export function formatPercent(value: number | null | undefined, digits = 2): string {
  return usable(value) ? (value * 100).toFixed(digits) : UNDEFINED_MARK;
}

/** Kappa as the study prints it, four decimals: 0.8737. */
export function formatKappa(value: number | null | undefined): string {
  return usable(value) ? value.toFixed(4) : UNDEFINED_MARK;
}

/** "88.1–93.2" in percent, or "" when there is no interval. */
export function formatPercentInterval(ci: Interval | null | undefined, digits = 1): string {
  return ci ? `${(ci.low * 100).toFixed(digits)}–${(ci.high * 100).toFixed(digits)}` : '';
}

export function formatKappaInterval(ci: Interval | null | undefined): string {
  return ci ? `${ci.low.toFixed(3)}–${ci.high.toFixed(3)}` : '';
}
