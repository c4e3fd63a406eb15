// The batch screen's state: each step of a run is an action, and rows are appended to a new array, never changed.
import { describe, expect, it } from 'vitest';
import type { BatchRow } from '../../core';
import type { ChosenFolder } from '../../sources';
import type { BatchJob } from '../../store';
import { NO_BATCH, batchReducer, type BatchAction, type BatchState } from './batchState';

const folder: ChosenFolder = { name: 'ward-audit', files: [], problems: [] };
const row = (path: string): BatchRow => ({
  path,
  size: 1,
  lastModified: 1,
  label: null,
  status: 'skipped',
  ms: 0,
});
const offer: BatchJob = {
  id: 'job-1',
  folderName: 'ward-audit',
  modelKey: 'm@1',
  startedAt: 0,
  updatedAt: 0,
  total: 10,
  done: 4,
  state: 'cancelled',
};
const run = (actions: BatchAction[], from: BatchState = NO_BATCH) => actions.reduce(batchReducer, from);

describe('batch state', () => {
  it('appends scored rows to a new array and leaves the rows a render already holds as they were', () => {
    const started = run([
      { type: 'listing', folder },
      { type: 'started', rows: [row('skipped.txt')], resumedFrames: 0 },
    ]);
    const held = started.rows;
    const next = batchReducer(started, { type: 'rows-scored', rows: [row('a.png'), row('b.png')] });
    expect(next.rows).not.toBe(held);
    expect(held.map((r) => r.path)).toEqual(['skipped.txt']);
    expect(next.rows.map((r) => r.path)).toEqual(['skipped.txt', 'a.png', 'b.png']);
    // Progress alone keeps the rows' identity, so nothing that reads them is recomputed.
    const progressed = batchReducer(next, {
      type: 'progress',
      progress: { done: 2, total: 2, framesPerSecond: 1, etaSeconds: 0 },
    });
    expect(progressed.rows).toBe(next.rows);
  });

  it('offers an interrupted run only while nothing has started, and a new run clears what the last one left', () => {
    expect(batchReducer(NO_BATCH, { type: 'offer-found', offer }).offer).toBe(offer);
    const listing = batchReducer(NO_BATCH, { type: 'listing', folder });
    expect(batchReducer(listing, { type: 'offer-found', offer })).toBe(listing);
    const ended = run([
      { type: 'offer-found', offer },
      { type: 'failed', error: 'The disk is full' },
      { type: 'saved', saved: { created: 1, existing: 0, failed: [] } },
      { type: 'listing', folder },
    ]);
    expect(ended).toMatchObject({
      phase: 'listing',
      error: null,
      saved: null,
      progress: null,
      resumedFrames: 0,
    });
    const started = batchReducer(ended, { type: 'started', rows: [], resumedFrames: 4 });
    expect(started).toMatchObject({ phase: 'running', offer: null, resumedFrames: 4 });
    expect(batchReducer(started, { type: 'ended', outcome: 'cancelled', offer }).offer).toBe(offer);
  });

  it('a folder chosen while the model loads waits; the wait ends with the reason when the model fails', () => {
    const waiting = batchReducer(NO_BATCH, { type: 'waiting-for-model', folder });
    expect(waiting).toMatchObject({ waitingForModel: true, folder });
    expect(batchReducer(waiting, { type: 'wait-ended' })).toMatchObject({
      waitingForModel: false,
      error: null,
    });
    expect(batchReducer(waiting, { type: 'wait-ended', error: 'No model' })).toMatchObject({
      waitingForModel: false,
      error: 'No model',
    });
  });

  it('saving reports its progress and ends with the outcome or the error', () => {
    const saving = run([
      { type: 'saving', done: 0, total: 0 },
      { type: 'saving', done: 3, total: 9 },
    ]);
    expect(saving.saving).toEqual({ done: 3, total: 9 });
    expect(
      batchReducer(saving, { type: 'saved', saved: { created: 9, existing: 0, failed: [] } }),
    ).toMatchObject({ saving: null, saved: { created: 9 } });
    expect(batchReducer(saving, { type: 'save-failed', error: 'Quota' })).toMatchObject({
      saving: null,
      error: 'Quota',
    });
  });
});
