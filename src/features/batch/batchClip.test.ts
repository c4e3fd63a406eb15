// A batch clip's row: the clip read-out as its score with its frame counts, counted once in the summary, Table 1 and the CSV.

import { describe, expect, it } from 'vitest';
import {
  batchCounts,
  batchCsv,
  batchLabelledPredictions,
  batchMetrics,
  clipBatchRow,
  clipRefusalReason,
  type ClassId,
  type FrameResult,
} from '../../core';
import { clipReadout, samplingFor, type ClipFrameReading } from '../../core/clip';
import { clipKindOfName } from './batchClip';

const p = (top: ClassId, v: number): Record<ClassId, number> => {
  const rest = (1 - v) / 3;
  return { a_lines: rest, b_lines: rest, pleural_effusion: rest, consolidation: rest, [top]: v };
};

const first = {
  backend: 'wasm',
  modelId: 'fixture-tiny',
  modelVersion: '1.0.0',
  crop: { x: 1, y: 2, width: 30, height: 40 },
  frameWidth: 64,
  frameHeight: 48,
} as FrameResult;

function reading(i: number, top: ClassId, v: number, refused = false): ClipFrameReading {
  return {
    status: refused ? 'refused' : 'read',
    index: i,
    timeMs: i * 100,
    probabilities: p(top, v),
    ...(refused
      ? { gate: { pass: false, modelChecked: true, reason: 'noise', message: 'Random noise.' } }
      : {}),
  } as ClipFrameReading;
}

describe('a clip in a batch', () => {
  it('is known by its name: videos and DICOM, not frames', () => {
    expect(['a.mp4', 'b.MOV', 'c.webm', 'd.dcm', 'e.png', 'f.jpg', 'notes.txt'].map(clipKindOfName)).toEqual([
      'video',
      'video',
      'video',
      'dicom',
      null,
      null,
      null,
    ]);
  });

  it('is one row with the clip read-out, its frame counts and who read it; Table 1 counts it once', () => {
    const readings = [
      reading(0, 'b_lines', 0.8),
      reading(1, 'b_lines', 0.6),
      reading(2, 'a_lines', 0.9, true),
      reading(3, 'b_lines', 0.7),
    ];
    const readout = clipReadout(readings, samplingFor(4), 0.5);
    const base = { path: 'B-lines/cine.mp4', size: 10, lastModified: 1, label: 'b_lines' as const };
    const row = clipBatchRow(base, readout, first, clipRefusalReason(readings), 12);
    expect(row).toMatchObject({
      status: 'scored',
      score: {
        top: 'b_lines',
        backend: 'wasm',
        modelVersion: '1.0.0',
        gate: { pass: true, reason: 'noise' },
      },
      clip: { framesInClip: 4, framesSampled: 4, framesRead: 3, framesRefused: 1, framesUnreadable: 0 },
    });
    expect(row.score!.probabilities.b_lines).toBeCloseTo(0.7, 9);

    const frame = {
      path: 'A-lines/still.png',
      size: 5,
      lastModified: 1,
      label: 'a_lines' as const,
      status: 'scored' as const,
      ms: 3,
      score: { ...first, probabilities: p('a_lines', 0.9), top: 'a_lines' as const, lowConfidence: false },
    };
    const rows = [row, frame];
    expect(batchLabelledPredictions(rows).map((l) => l.caseId)).toEqual([
      'B-lines/cine.mp4',
      'A-lines/still.png',
    ]);
    expect(batchCounts(rows)).toMatchObject({ scored: 2, labelled: 2, agree: 2 });
    expect(
      batchMetrics(rows)!
        .matrix.flat()
        .reduce((a, b) => a + b, 0),
    ).toBe(2);
    const csv = batchCsv(rows).split('\n');
    const header = csv[0]!.split(',');
    const clipLine = csv.find((l) => l.startsWith('B-lines/cine.mp4'))!.split(',');
    expect(clipLine[header.indexOf('kind')]).toBe('clip');
    expect(clipLine[header.indexOf('frames_read')]).toBe('3');
  });

  it("names the refusal most of a clip's refused frames share", () => {
    const refused = (reason: string) => ({ status: 'refused', gate: { reason } }) as never;
    expect(
      clipRefusalReason([refused('noise'), refused('uniform'), refused('uniform'), { status: 'read' }]),
    ).toBe('uniform');
    expect(clipRefusalReason([{ status: 'read' }])).toBeUndefined();
  });

  it('a clip most of whose frames the gate refuses is a refused row, not a sign', () => {
    const readout = clipReadout(
      [reading(0, 'a_lines', 0.9, true), reading(1, 'a_lines', 0.9, true), reading(2, 'b_lines', 0.6)],
      samplingFor(3),
      0.5,
    );
    const row = clipBatchRow(
      { path: 'x.dcm', size: 1, lastModified: 1, label: null },
      readout,
      first,
      'noise',
      1,
    );
    expect(row.score!.gate).toMatchObject({ pass: false, reason: 'noise' });
    expect(batchCounts([row])).toMatchObject({ scored: 0, refused: 1 });
  });
});
