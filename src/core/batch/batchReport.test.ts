// The batch CSV's input-gate and clip columns, the metrics' coverage of refused frames, refused rows in the summary, and clips counted once.
import { describe, expect, it } from 'vitest';
import {
  agreement,
  batchCounts,
  batchCsv,
  batchLabelledPredictions,
  batchStatus,
  reasonBesidePath,
  isRefused,
  refusalShortName,
  type BatchRow,
  type BatchScore,
} from './batchReport';
import { scoredPairs } from '../metrics';

const score = (gate?: BatchScore['gate']): BatchScore => ({
  probabilities: { a_lines: 0.1, b_lines: 0.7, pleural_effusion: 0.1, consolidation: 0.1 },
  top: 'b_lines',
  lowConfidence: false,
  backend: 'wasm',
  modelId: 'm',
  modelVersion: '1',
  crop: { x: 0, y: 0, width: 10, height: 10 },
  frameWidth: 10,
  frameHeight: 10,
  ...(gate ? { gate } : {}),
});
const row = (path: string, extra: Partial<BatchRow>): BatchRow => ({
  path,
  size: 1,
  lastModified: 0,
  label: 'b_lines',
  status: 'scored',
  ms: 1,
  ...extra,
});

describe('batch report and the input gate', () => {
  const rows = [
    row('a.png', { score: score({ pass: true, message: 'ok' }) }),
    row('b.png', {
      score: score({ pass: false, reason: 'colour-photo', message: 'This looks like a colour photograph.' }),
    }),
    row('c.png', {
      status: 'failed',
      code: 'no-ultrasound',
      reason: 'No ultrasound image found in this frame.',
    }),
    row('d.png', { score: score() }),
  ];

  it('writes gate and gate_reason columns: pass, refuse with the reason, refuse for no image, empty when not checked', () => {
    const lines = batchCsv(rows).trim().split('\n');
    const header = lines[0]!.split(',');
    const gate = header.indexOf('gate');
    const reason = header.indexOf('gate_reason');
    expect(gate).toBeGreaterThan(0);
    expect(reason).toBe(gate + 1);
    const cells = lines.slice(1).map((l) => l.split(','));
    expect(cells.map((c) => c[gate])).toEqual(['pass', 'refuse', 'refuse', '']);
    expect(cells[1]![reason]).toBe('This looks like a colour photograph.');
    expect(cells[2]![reason]).toBe('No ultrasound image found in this frame.');
    // A refused frame has no predicted sign, and its (unreliable) probabilities only when asked for.
    expect(cells[1]![header.indexOf('predicted_sign')]).toBe('');
    expect(cells[1]![header.indexOf('p_b_lines')]).toBe('');
    expect(cells[1]![header.indexOf('low_confidence')]).toBe('');
    const asked = batchCsv(rows, { refusedProbabilities: true })
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(asked[1]![header.indexOf('p_b_lines')]).toBe('0.700000');
    expect(asked[1]![header.indexOf('predicted_sign')]).toBe('');
    // Scored frames are the same either way.
    expect(asked[0]).toEqual(cells[0]);
  });

  it('one status vocabulary: scored, refused (gate or no ultrasound region), unreadable, skipped', () => {
    const more = [
      ...rows,
      row('e.png', { status: 'failed', code: 'empty', reason: 'e.png is empty (0 bytes).' }),
      row('f.txt', { status: 'skipped', reason: 'Not an image file (.txt).' }),
    ];
    expect(more.map(batchStatus)).toEqual([
      'scored',
      'refused',
      'refused',
      'scored',
      'unreadable',
      'skipped',
    ]);
    const lines = batchCsv(more).trim().split('\n');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual([
      'scored',
      'refused',
      'refused',
      'scored',
      'unreadable',
      'skipped',
    ]);
  });

  it('a reason shown beside its path does not repeat the path', () => {
    expect(reasonBesidePath('a/e.png', 'a/e.png is empty (0 bytes).')).toBe('Is empty (0 bytes).');
    expect(reasonBesidePath('a/u.png', 'a/u.png: the frame is almost uniform.')).toBe(
      'The frame is almost uniform.',
    );
    expect(reasonBesidePath('a/x.png', 'Not an image file (.txt).')).toBe('Not an image file (.txt).');
  });

  it('counts refused frames in coverage instead of scoring them', () => {
    const { coverage, pairs } = scoredPairs(batchLabelledPredictions(rows));
    expect(coverage).toMatchObject({ total: 3, scored: 2, refused: 1 });
    expect(pairs.map((p) => p.caseId)).toEqual(['a.png', 'd.png']);
  });

  it('a refused frame neither agrees nor disagrees, in the table, the CSV and the summary, as in the metrics', () => {
    expect(rows.map(isRefused)).toEqual([false, true, false, false]);
    expect(rows.map(agreement)).toEqual([true, null, null, true]);
    expect(batchCounts(rows)).toEqual({
      scored: 2,
      refused: 2,
      unreadable: 0,
      skipped: 0,
      labelled: 2,
      agree: 2,
    });
    const lines = batchCsv(rows).trim().split('\n');
    const agree = lines[0]!.split(',').indexOf('agree');
    expect(lines.slice(1).map((l) => l.split(',')[agree])).toEqual(['yes', '', '', 'yes']);
  });

  it('keeps heat maps out of the CSV: same columns and cells with or without one', () => {
    const heatMap = {
      width: 1,
      height: 1,
      values: new Float32Array([1, 2, 3, 4]),
      inputWidth: 8,
      inputHeight: 8,
      content: { x: 0, y: 0, width: 8, height: 8 },
    };
    const withMaps = rows.map((r) => (r.score ? { ...r, score: { ...r.score, heatMap } } : r));
    expect(batchCsv(withMaps)).toBe(batchCsv(rows));
  });

  it('names a refusal in a few words for the table, with a fallback for reasons it does not know', () => {
    expect(refusalShortName({ reason: 'colour-doppler' })).toBe('colour Doppler');
    expect(refusalShortName({ reason: 'colour-photo' })).toBe('colour photo');
    expect(refusalShortName({})).toBe('not a lung frame');
  });
});

describe('batch report and clips', () => {
  const clip = row('b_lines/cine.mp4', {
    score: score(),
    clip: {
      framesInClip: 90,
      framesSampled: 64,
      framesRead: 60,
      framesRefused: 4,
      framesUnreadable: 0,
      disagreement: null,
    },
  });
  const frames = [0, 1].map((index) =>
    row('b_lines/cine.mp4', { score: score(), frameOf: { index, timeMs: index * 33.3 } }),
  );
  const still = row('b_lines/still.png', { score: score() });
  const rows = [still, clip, ...frames];

  it('writes the clip columns, and --frames rows under their clip in the order added', () => {
    const lines = batchCsv(rows).trim().split('\n');
    const header = lines[0]!.split(',');
    const at = (line: string, column: string) => line.split(',')[header.indexOf(column)];
    expect(lines.slice(1).map((l) => at(l, 'kind'))).toEqual(['clip', 'clip-frame', 'clip-frame', 'frame']);
    expect(at(lines[1]!, 'frames_read')).toBe('60');
    expect(at(lines[1]!, 'disagree')).toBe('no');
    expect(at(lines[3]!, 'frame_index')).toBe('1');
    expect(at(lines[3]!, 'frame_time_ms')).toBe('33.3');
    expect(at(lines[4]!, 'frames_read')).toBe('');
  });

  it('counts a clip once: its frame rows are in neither the counts nor the metrics', () => {
    expect(batchCounts(rows)).toMatchObject({ scored: 2, labelled: 2 });
    expect(batchLabelledPredictions(rows).map((p) => p.caseId)).toEqual([
      'b_lines/still.png',
      'b_lines/cine.mp4',
    ]);
  });
});
