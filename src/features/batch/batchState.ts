// What the batch screen shows of a run, as a pure reducer: each step of the run is an action, and a new state
// (with new rows) is made for it, so the screen re-renders on identity and rows are never changed in place.

import type { BatchRow } from '../../core';
import type { ChosenFolder } from '../../sources';
import type { BatchJob } from '../../store';
import type { BatchProgress } from './runBatch';
import type { SaveAsCasesOutcome } from './saveAsCases';

export type BatchPhase = 'idle' | 'listing' | 'running' | 'cancelled' | 'finished';

export interface BatchState {
  phase: BatchPhase;
  folder: ChosenFolder | null;
  /** Every row so far (earlier sessions' stored rows first when resumed); a new array for every chunk. */
  rows: readonly BatchRow[];
  progress: BatchProgress | null;
  /** Frames skipped because an interrupted run had scored them (same path, size, modification time). */
  resumedFrames: number;
  /** An interrupted run this device remembers, offered for resuming. */
  offer: BatchJob | null;
  error: string | null;
  saving: { done: number; total: number } | null;
  saved: SaveAsCasesOutcome | null;
  /** A folder chosen while the model was still loading: it is scored as soon as the model is ready. */
  waitingForModel: boolean;
}

export const NO_BATCH: BatchState = {
  phase: 'idle',
  folder: null,
  rows: [],
  progress: null,
  resumedFrames: 0,
  offer: null,
  error: null,
  saving: null,
  saved: null,
  waitingForModel: false,
};

export type BatchAction =
  /** The device remembers an interrupted run (only offered while nothing else has started). */
  | { type: 'offer-found'; offer: BatchJob }
  | { type: 'offer-discarded' }
  | { type: 'waiting-for-model'; folder: ChosenFolder }
  /** The model became ready (the run starts next), failed to load (with why), or the wait was cancelled. */
  | { type: 'wait-ended'; error?: string }
  | { type: 'listing'; folder: ChosenFolder }
  /** Scoring starts with the rows known before any model run: earlier sessions' and the skipped files'. */
  | { type: 'started'; rows: readonly BatchRow[]; resumedFrames: number }
  | { type: 'rows-scored'; rows: readonly BatchRow[] }
  | { type: 'progress'; progress: BatchProgress }
  /** The run ended; a cancelled one is offered for carrying on. */
  | { type: 'ended'; outcome: 'finished' | 'cancelled'; offer: BatchJob | null }
  | { type: 'failed'; error: string }
  | { type: 'saving'; done: number; total: number }
  | { type: 'saved'; saved: SaveAsCasesOutcome }
  | { type: 'save-failed'; error: string };

export function batchReducer(state: BatchState, action: BatchAction): BatchState {
  switch (action.type) {
    case 'offer-found':
      // A tab closed mid-run left its job 'running'; it is interrupted now, unless a run began meanwhile.
      return state.phase === 'idle' ? { ...state, offer: action.offer } : state;
    case 'offer-discarded':
      return { ...state, offer: null };
    case 'waiting-for-model':
      return { ...state, waitingForModel: true, folder: action.folder, error: null, saved: null };
    case 'wait-ended':
      return { ...state, waitingForModel: false, ...(action.error ? { error: action.error } : {}) };
    case 'listing':
      return {
        ...state,
        phase: 'listing',
        folder: action.folder,
        error: null,
        saved: null,
        progress: null,
        resumedFrames: 0,
      };
    case 'started':
      return {
        ...state,
        phase: 'running',
        rows: action.rows,
        resumedFrames: action.resumedFrames,
        offer: null,
      };
    case 'rows-scored':
      return { ...state, rows: [...state.rows, ...action.rows] };
    case 'progress':
      return { ...state, progress: action.progress };
    case 'ended':
      return { ...state, phase: action.outcome, offer: action.offer };
    case 'failed':
      return { ...state, phase: 'cancelled', error: action.error };
    case 'saving':
      return { ...state, saving: { done: action.done, total: action.total }, saved: null };
    case 'saved':
      return { ...state, saved: action.saved, saving: null };
    case 'save-failed':
      return { ...state, saving: null, error: action.error };
  }
}
