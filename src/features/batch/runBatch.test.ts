// The browser pipeline without a browser: bounded chunks in flight, rows for every file, cancel, and resume planning.
import { describe, expect, it } from 'vitest';
import type { FrameInput, FrameOutcome } from '../../inference';
import { InputProblem, frameFileKey, type ChosenFolder, type FolderFile } from '../../sources';
import { batchCsv } from '../../core';
import { readBatchCsv } from '../../../tests/helpers/batchCsv';
import { planBatch, runBatch } from './runBatch';

function file(path: string, options: { vanish?: boolean } = {}): FolderFile {
  return {
    path,
    size: 100,
    lastModified: 1,
    read: async () => {
      if (options.vanish) throw new InputProblem('vanished', `${path} disappeared before it could be read.`);
      return new Blob([path]);
    },
  };
}

/** A fake worker that answers after a tick and records how many calls and frames it held at once. */
function fakeClient() {
  const seen = { calls: 0, maxCalls: 0, maxFrames: 0, frames: 0 };
  let active = 0;
  let activeFrames = 0;
  return {
    seen,
    classify: async (frames: FrameInput[], signal?: AbortSignal): Promise<FrameOutcome[]> => {
      active++;
      activeFrames += frames.length;
      seen.calls++;
      seen.frames += frames.length;
      seen.maxCalls = Math.max(seen.maxCalls, active);
      seen.maxFrames = Math.max(seen.maxFrames, activeFrames);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      activeFrames -= frames.length;
      return frames.map((f): FrameOutcome => {
        if (signal?.aborted) return { ok: false, name: f.name!, code: 'cancelled', message: 'Cancelled.' };
        const top = f.name!.startsWith('B/') ? 'b_lines' : 'a_lines';
        return {
          ok: true,
          result: {
            probabilities: {
              a_lines: 0.7,
              b_lines: 0.1,
              pleural_effusion: 0.1,
              consolidation: 0.1,
              [top]: 0.7,
            },
            top,
            runnerUp: 'pleural_effusion',
            lowConfidence: false,
            inferenceMs: 1,
            totalMs: 2,
            backend: 'wasm',
            modelId: 'm',
            modelVersion: '1',
            crop: { x: 0, y: 0, width: 10, height: 10 },
            frameWidth: 10,
            frameHeight: 10,
            cropDetected: true,
          },
        };
      });
    },
  };
}

const folderOf = (files: FolderFile[]): ChosenFolder => ({ name: 'audit', files, problems: [] });

describe('runBatch', () => {
  it('scores a 5,000-frame folder with at most two chunks (8 frames) in the worker at once', async () => {
    const files = Array.from({ length: 5000 }, (_, i) => file(`${i % 2 ? 'B' : 'A'}/f${i}.png`));
    const client = fakeClient();
    const rows: unknown[] = [];
    const outcome = await runBatch({
      client,
      folderName: 'audit',
      todo: files,
      chunkSize: 4,
      threshold: 0.5,
      signal: new AbortController().signal,
      onRows: (r) => void rows.push(...r),
      onProgress: () => undefined,
    });
    expect(outcome).toBe('finished');
    expect(rows).toHaveLength(5000);
    expect(client.seen.maxCalls).toBeLessThanOrEqual(2);
    expect(client.seen.maxFrames).toBeLessThanOrEqual(8);
  });

  it('names a vanished file and carries on; labels come from the folders', async () => {
    const rows: Parameters<Parameters<typeof runBatch>[0]['onRows']>[0] = [];
    await runBatch({
      client: fakeClient(),
      folderName: 'audit',
      todo: [file('A/1.png'), file('B/2.png', { vanish: true }), file('B/3.png')],
      chunkSize: 4,
      threshold: 0.5,
      signal: new AbortController().signal,
      onRows: (r) => void rows.push(...r),
      onProgress: () => undefined,
    });
    expect(rows.map((r) => [r.path, r.status, r.label, r.score?.top ?? r.code])).toEqual([
      ['A/1.png', 'scored', 'a_lines', 'a_lines'],
      ['B/2.png', 'failed', 'b_lines', 'vanished'],
      ['B/3.png', 'scored', 'b_lines', 'b_lines'],
    ]);
    // Read by column name, so a column added later (the clip columns) does not move what is checked.
    expect(readBatchCsv(batchCsv(rows)).find((r) => r.path === 'B/2.png')).toMatchObject({
      status: 'unreadable',
      reason: 'B/2.png disappeared before it could be read.',
      // The gate columns stay empty: the gate never saw the file.
      gate: '',
      gate_reason: '',
    });
  });

  it('keeps the heat map and gate verdict of the same run, so viewing a row needs no second model run', async () => {
    const plain = fakeClient();
    const heatMap = {
      width: 2,
      height: 2,
      values: new Float32Array(16).map((_, i) => i),
      inputWidth: 64,
      inputHeight: 64,
      content: { x: 0, y: 0, width: 64, height: 64 },
    };
    const client = {
      classify: async (frames: FrameInput[], signal?: AbortSignal): Promise<FrameOutcome[]> =>
        (await plain.classify(frames, signal)).map((o) =>
          !o.ok
            ? o
            : o.result.top === 'b_lines'
              ? {
                  ...o,
                  result: { ...o.result, heatMap, gate: { pass: true, message: 'ok', modelChecked: true } },
                }
              : {
                  ...o,
                  result: {
                    ...o.result,
                    heatMapNote: 'This model has no feature-map output.',
                    gate: {
                      pass: false,
                      reason: 'colour-photo',
                      message: 'This looks like a colour photograph, not an ultrasound image.',
                      modelChecked: true,
                      featureScore: 9,
                    },
                  },
                },
        ),
    };
    const rows: Parameters<Parameters<typeof runBatch>[0]['onRows']>[0] = [];
    await runBatch({
      client,
      folderName: 'audit',
      todo: [file('A/photo.png'), file('B/1.png')],
      chunkSize: 4,
      threshold: 0.5,
      signal: new AbortController().signal,
      onRows: (r) => void rows.push(...r),
      onProgress: () => undefined,
    });
    const [photo, lung] = rows;
    expect(lung!.score!.heatMap).toBe(heatMap);
    expect(lung!.score!.gate).toEqual({ pass: true, message: 'ok' });
    expect(photo!.score!.heatMap).toBeUndefined();
    expect(photo!.score!.heatMapNote).toBe('This model has no feature-map output.');
    // Only what the screen and the CSV use is kept of the verdict.
    expect(photo!.score!.gate).toEqual({
      pass: false,
      reason: 'colour-photo',
      message: 'This looks like a colour photograph, not an ultrasound image.',
    });
  });

  it('stops on cancel: cancelled frames get no row, so a resumed run scores them', async () => {
    const controller = new AbortController();
    const rows: unknown[] = [];
    const outcome = await runBatch({
      client: fakeClient(),
      folderName: 'audit',
      todo: Array.from({ length: 200 }, (_, i) => file(`A/f${i}.png`)),
      chunkSize: 4,
      threshold: 0.5,
      signal: controller.signal,
      onRows: (r) => {
        rows.push(...r);
        if (rows.length >= 8) controller.abort();
      },
      onProgress: () => undefined,
    });
    expect(outcome).toBe('cancelled');
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.length).toBeLessThan(20);
  });
});

describe('planBatch', () => {
  it('skips non-images with the reason and files already scored (same path, size and time)', () => {
    const folder = folderOf([file('A/1.png'), file('A/2.png'), file('notes.txt')]);
    const plan = planBatch(
      folder,
      new Set([frameFileKey('A/1.png', 100, 1), frameFileKey('A/2.png', 100, 999)]),
    );
    expect(plan.todo.map((f) => f.path)).toEqual(['A/2.png']);
    expect(plan.alreadyDone).toBe(1);
    expect(plan.skipped.map((r) => [r.path, r.reason])).toEqual([
      ['notes.txt', expect.stringMatching(/Not an image file/)],
    ]);
  });
});

describe('planBatch with clips', () => {
  it('keeps videos and DICOM files to score as clips; a clip too large to open is skipped with its size', () => {
    const huge = { ...file('B/long.mov'), size: 600 * 1024 * 1024 };
    const folder = folderOf([
      file('B/cine.mp4'),
      file('B/loop.webm'),
      file('C/study.dcm'),
      huge,
      file('.hidden.mp4'),
    ]);
    const plan = planBatch(folder, new Set());
    expect(plan.todo.map((f) => f.path).sort()).toEqual(['B/cine.mp4', 'B/loop.webm', 'C/study.dcm']);
    expect(plan.skipped.map((r) => [r.path, r.reason])).toEqual([
      ['B/long.mov', 'Too large a clip (600 MB; the limit is 512 MB): export a shorter clip.'],
      ['.hidden.mp4', 'Hidden or system file.'],
    ]);
  });
});
