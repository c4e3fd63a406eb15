// Even sampling, frame times from headers, and the clip read-out's sign, counts, gate, disagreement and timeline.
import { describe, expect, it } from 'vitest';
import type { ClassId } from '../frame';
import {
  CLIP_AGREEMENT_FLOOR,
  MAX_CLIP_FRAMES,
  clipReadout,
  describeSampling,
  frameTimesFrom,
  sampleFrameIndices,
  samplingFor,
  timelinePointAt,
  timelineSeries,
  type ClipFrameReading,
} from '.';

const p = (a: number, b: number, e: number, c: number): Record<ClassId, number> => ({
  a_lines: a,
  b_lines: b,
  pleural_effusion: e,
  consolidation: c,
});
const read = (index: number, probabilities: Record<ClassId, number>): ClipFrameReading => ({
  status: 'read',
  index,
  timeMs: index * 40,
  probabilities,
});
const refused = (index: number, message = 'This looks like random noise, not an ultrasound image.') =>
  ({
    status: 'refused',
    index,
    timeMs: index * 40,
    probabilities: p(0.1, 0.1, 0.1, 0.7),
    gate: { pass: false, reason: 'noise', message, modelChecked: false },
  }) satisfies ClipFrameReading;

describe('sampleFrameIndices', () => {
  it('reads every frame of a short clip', () => {
    expect(sampleFrameIndices(30)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(sampleFrameIndices(MAX_CLIP_FRAMES)).toHaveLength(MAX_CLIP_FRAMES);
    expect(sampleFrameIndices(1)).toEqual([0]);
    expect(sampleFrameIndices(0)).toEqual([]);
  });

  it('reads a long clip at the limit, evenly spaced, in order, without repeats, spanning the clip', () => {
    const picked = sampleFrameIndices(900);
    expect(picked).toHaveLength(MAX_CLIP_FRAMES);
    expect(new Set(picked).size).toBe(MAX_CLIP_FRAMES);
    const gaps = picked.slice(1).map((v, i) => v - picked[i]!);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
    expect(picked[0]).toBeLessThan(900 / MAX_CLIP_FRAMES);
    expect(picked.at(-1)).toBeGreaterThan(900 - 900 / MAX_CLIP_FRAMES);
    expect(sampleFrameIndices(65, 64)).toHaveLength(64);
    expect(new Set(sampleFrameIndices(65, 64)).size).toBe(64);
  });

  it('states what was read', () => {
    expect(describeSampling(samplingFor(30))).toBe('all 30 frames');
    expect(describeSampling(samplingFor(300))).toBe('64 evenly spaced frames of 300');
    expect(describeSampling(samplingFor(1))).toBe('the one frame');
    expect(samplingFor(300)).toEqual({ framesInClip: 300, framesSampled: 64, everyFrame: false, limit: 64 });
  });
});

describe('frameTimesFrom', () => {
  it('uses a frame time vector, then a frame time, then a frame rate', () => {
    const v = frameTimesFrom(3, { frameTimeVectorMs: [0, 40, 60], frameTimeMs: 10 });
    expect(v.timesMs).toEqual([0, 40, 100]);
    expect(v.frameRate).toBeCloseTo(20, 6);
    const t = frameTimesFrom(4, { frameTimeMs: 33.3333, frameRate: 10 });
    expect(t.timesMs[3]).toBeCloseTo(100, 2);
    expect(t.frameRate).toBeCloseTo(30, 3);
    expect(t.durationMs).toBeCloseTo(133.33, 1);
    expect(frameTimesFrom(2, { frameRate: 25 }).timesMs).toEqual([0, 40]);
  });

  it('says the frame rate is unknown when the header gives none or a mistaken one', () => {
    const none = frameTimesFrom(3, {});
    expect(none.frameRate).toBeNull();
    expect(none.timesMs[1]).toBeCloseTo(1000 / 30, 6);
    expect(frameTimesFrom(3, { frameTimeMs: 0, frameRate: 100000 }).frameRate).toBeNull();
    // A vector of the wrong length is ignored, not half-used.
    expect(frameTimesFrom(3, { frameTimeVectorMs: [0, 40], frameRate: 25 }).timesMs).toEqual([0, 40, 80]);
  });
});

describe('clipReadout', () => {
  const sampling = samplingFor(4);

  it('takes the mean probability over the read frames as the clip sign', () => {
    const r = clipReadout(
      [
        read(0, p(0.7, 0.2, 0.05, 0.05)),
        read(1, p(0.5, 0.4, 0.05, 0.05)),
        read(2, p(0.3, 0.6, 0.05, 0.05)),
        read(3, p(0.9, 0.05, 0.03, 0.02)),
      ],
      sampling,
      0.5,
    );
    expect(r.top).toBe('a_lines');
    expect(r.runnerUp).toBe('b_lines');
    expect(r.probabilities.a_lines).toBeCloseTo(0.6, 10);
    expect(r.probabilities.b_lines).toBeCloseTo(0.3125, 10);
    expect(r.lowConfidence).toBe(false);
    expect(r.framesRead).toBe(4);
    expect(r.framesRefused).toBe(0);
    expect(r.gate.pass).toBe(true);
    expect(r.disagreement).toBeNull();
  });

  it('leaves frames the gate refused out of the sign, and counts them', () => {
    const r = clipReadout(
      [
        read(0, p(0.2, 0.7, 0.05, 0.05)),
        refused(1),
        read(2, p(0.2, 0.6, 0.1, 0.1)),
        read(3, p(0.1, 0.8, 0.05, 0.05)),
      ],
      sampling,
      0.5,
    );
    expect(r.top).toBe('b_lines');
    expect(r.probabilities.consolidation).toBeCloseTo(0.2 / 3, 10);
    expect(r.framesRead).toBe(3);
    expect(r.framesRefused).toBe(1);
    expect(r.gate.pass).toBe(true);
    expect(r.gate.message).toBe('1 frame of 4 refused by the input check and left out of the sign.');
    expect(r.gate.reasons).toEqual([
      { message: 'This looks like random noise, not an ultrasound image.', frames: 1 },
    ]);
  });

  it('refuses the whole clip when fewer than half of its frames pass the gate, and says why', () => {
    const r = clipReadout(
      [refused(0), refused(1), refused(2), read(3, p(0.9, 0.05, 0.03, 0.02))],
      sampling,
      0.5,
    );
    expect(r.gate.pass).toBe(false);
    expect(r.gate.message).toMatch(
      /^Only 1 of 4 frames passed the input check: this clip is not read\. This looks like random noise/,
    );
    // What the model would say, over every frame it saw, for a reader who asks.
    expect(r.top).toBe('consolidation');
    expect(r.probabilities.consolidation).toBeCloseTo((0.7 * 3 + 0.02) / 4, 10);
    // Exactly half passing is enough.
    const half = clipReadout(
      [refused(0), refused(1), read(2, p(0.9, 0.05, 0.03, 0.02)), read(3, p(0.9, 0.05, 0.03, 0.02))],
      sampling,
      0.5,
    );
    expect(half.gate.pass).toBe(true);
    expect(half.top).toBe('a_lines');
  });

  it('flags low confidence at clip level from the mean, not from single frames', () => {
    // Every frame is confident, but they split between two signs: the mean is not.
    const r = clipReadout(
      [
        read(0, p(0.9, 0.1, 0, 0)),
        read(1, p(0.1, 0.9, 0, 0)),
        read(2, p(0.85, 0.15, 0, 0)),
        read(3, p(0.2, 0.8, 0, 0)),
      ],
      sampling,
      0.6,
    );
    expect(r.probabilities.a_lines).toBeCloseTo(0.5125, 10);
    expect(r.lowConfidence).toBe(true);
  });

  it('says when fewer than half the read frames show the clip sign', () => {
    const r = clipReadout(
      [
        read(0, p(0.4, 0.35, 0.25, 0)),
        read(1, p(0.45, 0.3, 0.25, 0)),
        read(2, p(0.3, 0.1, 0.6, 0)),
        read(3, p(0.35, 0.55, 0.1, 0)),
        read(4, p(0.45, 0.05, 0.5, 0)),
      ],
      samplingFor(5),
      0.3,
    );
    expect(r.top).toBe('a_lines');
    expect(r.disagreement).not.toBeNull();
    expect(r.disagreement!.agreeingShare).toBeCloseTo(0.4, 10);
    expect(r.disagreement!.agreeingShare).toBeLessThan(CLIP_AGREEMENT_FLOOR);
    expect(r.disagreement!.framesBySign).toEqual({
      a_lines: 2,
      b_lines: 1,
      pleural_effusion: 2,
      consolidation: 0,
    });
    expect(r.disagreement!.message).toBe(
      'The frames disagree: only 2 of 5 show A-lines on their own (2 Pleural effusion, 1 B-lines). Watch the clip yourself.',
    );
    // Half agreeing is not a disagreement.
    const half = clipReadout([read(0, p(0.9, 0.1, 0, 0)), read(1, p(0.4, 0.6, 0, 0))], samplingFor(2), 0.3);
    expect(half.disagreement).toBeNull();
  });

  it('counts unreadable frames apart, and keeps them as gaps on the timeline', () => {
    const r = clipReadout(
      [
        read(2, p(0.1, 0.8, 0.05, 0.05)),
        { status: 'unreadable', index: 1, timeMs: 40, message: 'damaged' },
        read(0, p(0.2, 0.7, 0.05, 0.05)),
        refused(3),
      ],
      sampling,
      0.5,
    );
    expect(r.framesUnreadable).toBe(1);
    expect(r.timeline.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(r.timeline.map((t) => t.status)).toEqual(['read', 'unreadable', 'read', 'refused']);
    expect(r.timeline[1]!.probabilities).toBeNull();
    expect(r.timeline[3]!.top).toBe('consolidation');
    const series = timelineSeries(r.timeline);
    expect(series.b_lines.map((s) => s.probability)).toEqual([0.7, null, 0.8, 0.1]);
    expect(series.a_lines.map((s) => s.timeMs)).toEqual([0, 40, 80, 120]);
    expect(timelinePointAt(r.timeline, 95)!.index).toBe(2);
    expect(timelinePointAt([], 0)).toBeNull();
  });

  it('refuses to make a read-out from nothing', () => {
    expect(() => clipReadout([], samplingFor(0), 0.5)).toThrow('The clip has no frames to read.');
    expect(() =>
      clipReadout([{ status: 'unreadable', index: 0, timeMs: 0, message: 'x' }], samplingFor(1), 0.5),
    ).toThrow("None of the clip's 1 frame could be read.");
  });
});
