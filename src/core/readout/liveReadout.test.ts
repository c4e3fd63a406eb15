// Live read-out: smoothing, no flicker on one odd frame, the trend, and blank / frozen / live states.
import { describe, expect, it } from 'vitest';
import { type ClassId, createGreyImage } from '../frame';
import { ActivityMonitor, FROZEN_AFTER_MS, LiveReadout } from './liveReadout';
import { seededRandom } from '../random';

const p = (a: number, b: number, e: number, c: number): Record<ClassId, number> => ({
  a_lines: a,
  b_lines: b,
  pleural_effusion: e,
  consolidation: c,
});

describe('LiveReadout', () => {
  it('averages the window and keeps the sign when one frame disagrees', () => {
    const live = new LiveReadout({ windowMs: 2000 });
    for (let t = 0; t < 5; t++) live.add({ at: t * 100, probabilities: p(0.1, 0.7, 0.1, 0.1) });
    const odd = live.add({ at: 500, probabilities: p(0.05, 0.05, 0.85, 0.05) });
    expect(odd.top).toBe('b_lines');
    expect(odd.samples).toBe(6);
    expect(odd.probabilities.b_lines).toBeCloseTo((5 * 0.7 + 0.05) / 6, 6);
  });

  it('switches only when another sign leads by the margin, and old frames leave the window', () => {
    const live = new LiveReadout({ windowMs: 1000, switchMargin: 0.1 });
    live.add({ at: 0, probabilities: p(0.6, 0.4, 0, 0) });
    // Slight lead for B-lines: not enough to switch.
    expect(live.add({ at: 100, probabilities: p(0.42, 0.58, 0, 0) }).top).toBe('a_lines');
    // After the first frames leave the window, B-lines lead clearly.
    for (let t = 1200; t < 1800; t += 100) live.add({ at: t, probabilities: p(0.2, 0.8, 0, 0) });
    const now = live.current()!;
    expect(now.top).toBe('b_lines');
    expect(now.samples).toBe(6);
  });

  it('keeps a confidence trend of the shown sign and forgets it on clear', () => {
    const live = new LiveReadout({ trendMs: 1000 });
    for (let t = 0; t <= 2000; t += 250) live.add({ at: t, probabilities: p(0.9, 0.1, 0, 0) });
    const trend = live.trend();
    expect(trend.every((pt) => pt.at > 1000)).toBe(true);
    expect(trend.at(-1)).toMatchObject({ top: 'a_lines' });
    expect(trend.at(-1)!.confidence).toBeCloseTo(0.9, 6);
    live.clear();
    expect(live.current()).toBeNull();
    expect(live.trend()).toHaveLength(0);
  });
});

describe('ActivityMonitor', () => {
  const rect = { x: 10, y: 10, width: 40, height: 40 };
  const speckle = (seed: number) => {
    const f = createGreyImage(64, 64);
    const r = seededRandom(seed);
    for (let i = 0; i < f.data.length; i++) f.data[i] = 30 + r() * 120;
    return f;
  };

  it('calls a changing region live and an unchanging one frozen after the hold time', () => {
    const m = new ActivityMonitor();
    let state = m.update(0, speckle(1), rect);
    for (let t = 100; t <= 2000; t += 100) state = m.update(t, speckle(t), rect);
    expect(state).toBe('live');
    const still = speckle(99);
    let at = 2100;
    state = m.update(at, still, rect);
    // Still, but not yet for long enough: a slow sweep is not a freeze.
    for (; at < 2100 + FROZEN_AFTER_MS - 600; at += 100) state = m.update(at, still, rect);
    expect(state).toBe('live');
    for (; at <= 2100 + FROZEN_AFTER_MS + 600; at += 100) state = m.update(at, still, rect);
    expect(state).toBe('frozen');
    // The scanner is unfrozen: live again at the next comparison.
    for (let t = at; t <= at + 600; t += 100) state = m.update(t, speckle(t), rect);
    expect(state).toBe('live');
  });

  it('calls a flat region blank at once', () => {
    const m = new ActivityMonitor();
    const flat = createGreyImage(64, 64);
    flat.data.fill(12);
    expect(m.update(0, flat, rect)).toBe('blank');
  });
});
