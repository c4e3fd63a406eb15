// The batch run: choose a folder, plan, score with stored progress, cancel, resume, save as cases. The run lives
// outside React, so it carries on while the user looks at another screen; each step is an action on batchState.

import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { activeModel, useInference } from '../../app/InferenceContext';
import type { LoadedModelInfo, InferenceClient } from '../../inference';
import { holdUpdates } from '../../pwa';
import { frameFileKey, type ChosenFolder, type FolderFile } from '../../sources';
import {
  batchJobRows,
  deleteBatchJob,
  saveBatchJob,
  saveBatchRows,
  unfinishedBatchJob,
  type BatchJob,
} from '../../store';
import type { BatchRow } from '../../core';
import { publishBatchSource } from '../shared';
import { batchMetricsSource } from './batchMetricsSource';
import { NO_BATCH, batchReducer, type BatchAction, type BatchState } from './batchState';
import { chunkSizeFor, planBatch, runBatch } from './runBatch';
import { saveBatchAsCases, type ClipReader } from './saveAsCases';

let state: BatchState = NO_BATCH;
/** The folder behind `waitingForModel`. */
let pendingFolder: ChosenFolder | null = null;
const listeners = new Set<() => void>();
let abort: AbortController | null = null;
let job: BatchJob | null = null;
let offerChecked = false;

function dispatch(action: BatchAction): void {
  state = batchReducer(state, action);
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const stripForStore = (jobId: string, r: BatchRow) => ({
  jobId,
  ...r,
  status: r.status as 'scored' | 'failed',
});

async function checkOffer(): Promise<void> {
  if (offerChecked) return;
  offerChecked = true;
  try {
    const offer = await unfinishedBatchJob();
    if (offer) dispatch({ type: 'offer-found', offer });
  } catch {
    // Storage trouble is shown by the storage banner; scoring still works without resume.
  }
}

async function startBatch(
  folder: ChosenFolder,
  client: InferenceClient,
  info: LoadedModelInfo,
): Promise<void> {
  if (state.phase === 'running' || state.phase === 'listing') return;
  const modelKey = `${info.metadata.id}@${info.metadata.version}`;
  const controller = new AbortController();
  abort = controller;
  const release = holdUpdates(`Scoring the folder “${folder.name}”`);
  try {
    dispatch({ type: 'listing', folder });
    // Resume when the remembered run used this folder name and this model version.
    const previous = state.offer ?? (job?.state === 'cancelled' ? job : null);
    let current: BatchJob;
    let earlier: BatchRow[] = [];
    if (previous && previous.folderName === folder.name && previous.modelKey === modelKey) {
      current = { ...previous, state: 'running', updatedAt: Date.now() };
      earlier = (await batchJobRows(previous.id)).map(({ jobId: _jobId, ...row }) => row);
    } else {
      // A new run replaces what the device remembered; its results were exportable until now.
      for (const old of [previous, job]) if (old) await deleteBatchJob(old.id).catch(() => undefined);
      current = {
        id: crypto.randomUUID(),
        folderName: folder.name,
        modelKey,
        startedAt: Date.now(),
        updatedAt: Date.now(),
        total: 0,
        done: 0,
        state: 'running',
      };
    }
    const present = new Set(folder.files.map((f) => frameFileKey(f.path, f.size, f.lastModified)));
    // Stored rows of files that changed or went away since are dropped: changed files are scored again.
    earlier = earlier.filter((r) => present.has(frameFileKey(r.path, r.size, r.lastModified)));
    const plan = planBatch(folder, new Set(earlier.map((r) => frameFileKey(r.path, r.size, r.lastModified))));
    current = { ...current, total: earlier.length + plan.todo.length, done: earlier.length };
    job = current;
    await saveBatchJob(current);
    dispatch({ type: 'started', rows: [...earlier, ...plan.skipped], resumedFrames: plan.alreadyDone });
    let lastPublished = performance.now();
    const outcome = await runBatch({
      client,
      folderName: folder.name,
      todo: plan.todo,
      alreadyDone: earlier.length,
      chunkSize: chunkSizeFor(info.backend),
      threshold: info.metadata.lowConfidenceThreshold,
      signal: controller.signal,
      onRows: async (rows) => {
        dispatch({ type: 'rows-scored', rows });
        // Labelled results reach the dashboard while the batch runs, at most every two seconds.
        if (performance.now() - lastPublished > 2000) {
          lastPublished = performance.now();
          publishBatchSource(batchMetricsSource(`Batch: ${folder.name}`, state.rows));
        }
        current = { ...current, done: current.done + rows.length, updatedAt: Date.now() };
        job = current;
        await saveBatchRows(
          current,
          rows.map((r) => stripForStore(current.id, r)),
        );
      },
      onProgress: (progress) => dispatch({ type: 'progress', progress }),
    });
    current = { ...current, state: outcome, updatedAt: Date.now() };
    job = current;
    await saveBatchJob(current);
    publishBatchSource(batchMetricsSource(`Batch: ${folder.name}`, state.rows));
    dispatch({ type: 'ended', outcome, offer: outcome === 'cancelled' ? current : null });
  } catch (error) {
    dispatch({ type: 'failed', error: (error as Error).message });
  } finally {
    release();
    abort = null;
  }
}

/** `reader`: the model that reads a clip's frames again for its clip case (null: clips are not saved). */
async function saveAll(reader: ClipReader | null): Promise<void> {
  const folder = state.folder;
  if (!folder || state.saving) return;
  const files = new Map<string, FolderFile>(folder.files.map((f) => [f.path, f]));
  const release = holdUpdates('Saving the batch as cases');
  try {
    dispatch({ type: 'saving', done: 0, total: 0 });
    const saved = await saveBatchAsCases(
      folder.name,
      state.rows,
      files,
      (done, total) => dispatch({ type: 'saving', done, total }),
      undefined,
      reader,
    );
    dispatch({ type: 'saved', saved });
  } catch (error) {
    dispatch({ type: 'save-failed', error: (error as Error).message });
  } finally {
    release();
  }
}

async function discardOffer(): Promise<void> {
  const offer = state.offer;
  if (offer) await deleteBatchJob(offer.id).catch(() => undefined);
  if (job?.id === offer?.id) job = null;
  dispatch({ type: 'offer-discarded' });
}

export function useBatchJob() {
  const { client, status } = useInference();
  const info = activeModel(status);
  const snapshot = useSyncExternalStore(subscribe, () => state);
  useEffect(() => void checkOffer(), []);
  const modelReady = !!client && !!info && status.state !== 'loading';
  const start = useCallback(
    (folder: ChosenFolder) => {
      if (modelReady && client && info) {
        void startBatch(folder, client, info);
        return;
      }
      // The model is still loading: keep the folder and start when it is ready (the effect below).
      pendingFolder = folder;
      dispatch({ type: 'waiting-for-model', folder });
    },
    [client, info, modelReady],
  );
  useEffect(() => {
    if (!pendingFolder) return;
    if (modelReady && client && info) {
      const folder = pendingFolder;
      pendingFolder = null;
      dispatch({ type: 'wait-ended' });
      void startBatch(folder, client, info);
    } else if (status.state === 'failed' && !info) {
      pendingFolder = null;
      dispatch({
        type: 'wait-ended',
        error: `The folder was not scored: the model could not be loaded. ${status.message}`,
      });
    }
  }, [client, info, modelReady, status, snapshot.waitingForModel]);
  const cancel = useCallback(() => {
    if (pendingFolder) {
      pendingFolder = null;
      dispatch({ type: 'wait-ended' });
    }
    abort?.abort();
  }, []);
  return {
    state: snapshot,
    modelReady,
    start,
    cancel,
    discardOffer: () => void discardOffer(),
    saveAsCases: () =>
      void saveAll(client && info ? { client, threshold: info.metadata.lowConfidenceThreshold } : null),
  };
}
