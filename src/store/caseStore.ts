// caseStore: save, read, relabel, delete, restore and score cases; settings and the re-scoring job.

import type { CaseLabel, ClinicianLabel } from '../core';
import {
  DEFAULT_SETTINGS,
  caseBytes,
  clipContentBytes,
  modelKey,
  type CaseRecord,
  type FolderLabelSource,
  type LabelChange,
  type LibrarySettings,
  type NewCase,
  type RescoreJob,
  type StoredPrediction,
} from './caseRecord';
import type { IDBPIndex } from 'idb';
import { caseDb, closeCaseDb } from './db';
import type { CaseDb } from './schema';
import { sha256Hex } from './hash';
import {
  StorageError,
  clipQuotaMessage,
  currentStorageProblem,
  reportStorageProblem,
  toStorageError,
} from './storageProblem';

const changeListeners = new Set<() => void>();

/** Screens re-read the library when another screen (or a re-scoring run) changed it. */
export function onCasesChanged(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

/**
 * Runs a write and turns any failure into a StorageError the UI can show. After a failure the
 * connection is reopened; a success clears an earlier quota or failure message.
 */
async function write<T>(doing: string, work: () => Promise<T>, quotaMessage?: string): Promise<T> {
  try {
    const out = await work();
    const kind = currentStorageProblem()?.kind;
    if (kind === 'quota' || kind === 'failed') reportStorageProblem(null);
    for (const l of changeListeners) l();
    return out;
  } catch (error) {
    let problem = toStorageError(error, doing);
    if (problem.kind === 'quota' && quotaMessage) problem = new StorageError('quota', quotaMessage, error);
    reportStorageProblem({ kind: problem.kind, message: problem.message });
    await closeCaseDb();
    throw problem;
  }
}

async function read<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const problem = toStorageError(error, doing);
    reportStorageProblem({ kind: problem.kind, message: problem.message });
    throw problem;
  }
}

/**
 * Appends a history entry when the label changes; the first label has `from: null`. A reader's label
 * replaces a folder's (and says so in the history); "unlabelled" records nothing: no one labelled the frame.
 */
function relabelled(
  record: CaseRecord,
  label: CaseLabel,
  reader: string,
  at: number,
  source?: FolderLabelSource,
): CaseRecord {
  const sameSource = (record.labelSource?.folder ?? null) === (source?.folder ?? null);
  if (record.label === label && record.labelHistory.length && sameSource) return record;
  if (label === 'unlabelled') return record.labelHistory.length ? record : { ...record, label, reader: '' };
  const change: LabelChange = {
    at,
    by: source ? '' : reader,
    from: record.labelHistory.length ? record.label : null,
    to: label,
    ...(source ? { source } : {}),
  };
  const { labelSource: _old, ...rest } = record;
  return {
    ...rest,
    label,
    reader: source ? '' : reader,
    ...(source ? { labelSource: source } : {}),
    labelHistory: [...record.labelHistory, change],
    updated: at,
  };
}

export interface SaveOutcome {
  record: CaseRecord;
  /** False when the same image was already stored (the existing case was updated instead). */
  created: boolean;
}

/** A case's id: the SHA-256 of its image, or of a clip's stored frames (the same clip twice is one case). */
export async function caseIdOf(input: Pick<NewCase, 'image' | 'clip'>): Promise<string> {
  return sha256Hex(input.clip ? await clipContentBytes(input.clip) : input.image);
}

/** The clip case read from the file with this hash, if one is stored. */
async function clipCaseFromFile<Mode extends IDBTransactionMode>(
  byKind: IDBPIndex<CaseDb, ['cases'], 'cases', 'by-kind', Mode>,
  sourceHash: string,
): Promise<CaseRecord | undefined> {
  let cursor = await byKind.openCursor('clip');
  while (cursor) {
    if (cursor.value.clip?.sourceHash === sourceHash) return cursor.value;
    cursor = await cursor.continue();
  }
  return undefined;
}

/**
 * The id under which this case is already stored, if it is: the same image or clip frames, or a clip read
 * from the same file (whose frames a busy device may have sampled at other times).
 */
export async function storedCaseIdOf(input: Pick<NewCase, 'image' | 'clip'>): Promise<string | undefined> {
  const id = await caseIdOf(input);
  return read('look the case up', async () => {
    const tx = (await caseDb()).transaction('cases');
    if (await tx.store.getKey(id)) return id;
    const hash = input.clip?.sourceHash;
    return hash ? (await clipCaseFromFile(tx.store.index('by-kind'), hash))?.id : undefined;
  });
}

/**
 * Stores a case. The id is the SHA-256 of the image bytes (of a clip's frames), computed before the
 * transaction opens (a transaction closes itself while it waits on anything that is not IndexedDB). Saving
 * the same image or clip again updates that case: its label (with history), details and predictions.
 */
export async function saveCase(input: NewCase, now = Date.now()): Promise<SaveOutcome> {
  const id = await caseIdOf(input);
  // A clip is many images: when it does not fit, the message says how much room it needs.
  const quotaMessage = input.clip ? clipQuotaMessage(caseBytes(input)) : undefined;
  return write(
    'save the case',
    async () => {
      const db = await caseDb();
      const tx = db.transaction('cases', 'readwrite');
      const done = tx.done;
      done.catch(() => undefined); // observed below; keeps an abort from surfacing as unhandled first
      try {
        const sourceHash = input.clip?.sourceHash;
        const existing =
          (await tx.store.get(id)) ??
          (sourceHash ? await clipCaseFromFile(tx.store.index('by-kind'), sourceHash) : undefined);
        const predictions = { ...existing?.predictions };
        if (input.prediction) {
          predictions[modelKey(input.prediction.modelId, input.prediction.modelVersion)] = input.prediction;
        }
        let record: CaseRecord;
        if (existing) {
          record = relabelled(existing, input.label, input.reader, now, input.labelSource);
          record = {
            ...record,
            examId: input.examId || record.examId,
            zone: input.zone || record.zone,
            notes: input.notes || record.notes,
            predictions,
            updated: now,
          };
        } else {
          const { prediction: _prediction, labelSource, ...fields } = input;
          record = relabelled(
            {
              ...fields,
              id,
              kind: fields.clip ? 'clip' : 'frame',
              created: now,
              updated: now,
              labelHistory: [],
              predictions,
            },
            input.label,
            input.reader,
            now,
            labelSource,
          );
        }
        await tx.store.put(record);
        await done;
        return { record, created: !existing };
      } catch (error) {
        try {
          tx.abort();
        } catch {
          // Already finished or aborted.
        }
        throw error;
      }
    },
    quotaMessage,
  );
}

export function getCase(id: string): Promise<CaseRecord | undefined> {
  return read('read the case', async () => (await caseDb()).get('cases', id));
}

/** All cases, newest first. */
export function listCases(): Promise<CaseRecord[]> {
  return read('list the cases', async () => {
    const all = await (await caseDb()).getAllFromIndex('cases', 'by-created');
    return all.reverse();
  });
}

export function countCases(): Promise<number> {
  return read('count the cases', async () => (await caseDb()).count('cases'));
}

/** Read-modify-write of one case inside a single transaction. */
async function updateCase(
  id: string,
  doing: string,
  change: (r: CaseRecord) => CaseRecord,
): Promise<CaseRecord> {
  return write(doing, async () => {
    const db = await caseDb();
    const tx = db.transaction('cases', 'readwrite');
    const existing = await tx.store.get(id);
    if (!existing) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new Error('the case is no longer stored');
    }
    const next = change(existing);
    await tx.store.put(next);
    await tx.done;
    return next;
  });
}

export function relabelCase(
  id: string,
  label: ClinicianLabel,
  reader: string,
  now = Date.now(),
): Promise<CaseRecord> {
  return updateCase(id, 'change the label', (r) => relabelled(r, label, reader, now));
}

export function updateCaseDetails(
  id: string,
  details: Partial<Pick<CaseRecord, 'examId' | 'zone' | 'notes'>>,
  now = Date.now(),
): Promise<CaseRecord> {
  return updateCase(id, 'save the details', (r) => ({ ...r, ...details, updated: now }));
}

/** Deletes cases and returns them, so the screen can offer Undo (restoreDeletedCases). */
export function deleteCases(ids: readonly string[]): Promise<CaseRecord[]> {
  return write('delete the cases', async () => {
    const db = await caseDb();
    const tx = db.transaction('cases', 'readwrite');
    const removed: CaseRecord[] = [];
    for (const id of ids) {
      const r = await tx.store.get(id);
      if (r) {
        removed.push(r);
        await tx.store.delete(id);
      }
    }
    await tx.done;
    return removed;
  });
}

/** Every case of one exam; returns them for Undo. */
export function deleteExam(examId: string): Promise<CaseRecord[]> {
  return write('delete the exam', async () => {
    const db = await caseDb();
    const tx = db.transaction('cases', 'readwrite');
    const removed = await tx.store.index('by-exam').getAll(examId);
    for (const r of removed) await tx.store.delete(r.id);
    await tx.done;
    return removed;
  });
}

/** Undo of a delete: puts the records back exactly as they were. */
export function restoreDeletedCases(records: readonly CaseRecord[]): Promise<void> {
  return write('undo the delete', async () => {
    const db = await caseDb();
    const tx = db.transaction('cases', 'readwrite');
    for (const r of records) await tx.store.put(r);
    await tx.done;
  });
}

export function deleteAllCases(): Promise<void> {
  return write('delete all cases', async () => {
    const db = await caseDb();
    const tx = db.transaction(['cases', 'jobs'], 'readwrite');
    await tx.objectStore('cases').clear();
    await tx.objectStore('jobs').clear();
    await tx.done;
  });
}

/** Stores one batch of predictions in one transaction; a case deleted meanwhile is skipped. */
export function addPredictions(
  entries: ReadonlyArray<{ caseId: string; prediction: StoredPrediction }>,
): Promise<number> {
  return write('store the new results', async () => {
    const db = await caseDb();
    const tx = db.transaction('cases', 'readwrite');
    let stored = 0;
    for (const { caseId, prediction } of entries) {
      const r = await tx.store.get(caseId);
      if (!r) continue;
      const key = modelKey(prediction.modelId, prediction.modelVersion);
      await tx.store.put({ ...r, predictions: { ...r.predictions, [key]: prediction } });
      stored++;
    }
    await tx.done;
    return stored;
  });
}

/** Merges two histories of the same case: every change once, in time order. */
function mergeHistory(a: readonly LabelChange[], b: readonly LabelChange[]): LabelChange[] {
  const seen = new Map<string, LabelChange>();
  for (const c of [...a, ...b]) seen.set(`${c.at}|${c.by}|${c.from}|${c.to}`, c);
  return [...seen.values()].sort((x, y) => x.at - y.at);
}

export interface RestoreOutcome {
  added: number;
  merged: number;
}

/**
 * Restores validated backup records in one transaction, so a failure (quota) leaves the library as it
 * was. A case already here keeps the newer of the two versions, with both label histories and all
 * predictions.
 */
export function restoreCases(records: readonly CaseRecord[]): Promise<RestoreOutcome> {
  return write('restore the backup', async () => {
    const db = await caseDb();
    const tx = db.transaction('cases', 'readwrite');
    let added = 0;
    let merged = 0;
    for (const incoming of records) {
      const here = await tx.store.get(incoming.id);
      if (!here) {
        await tx.store.put(incoming);
        added++;
        continue;
      }
      const newer = incoming.updated > here.updated ? incoming : here;
      await tx.store.put({
        ...newer,
        labelHistory: mergeHistory(here.labelHistory, incoming.labelHistory),
        predictions: { ...(newer === here ? incoming : here).predictions, ...newer.predictions },
      });
      merged++;
    }
    await tx.done;
    return { added, merged };
  });
}

export function readSettings(): Promise<LibrarySettings> {
  return read('read the settings', async () => {
    const db = await caseDb();
    const out: LibrarySettings = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof LibrarySettings>) {
      const v = await db.get('settings', key);
      if (v !== undefined && typeof v === typeof DEFAULT_SETTINGS[key])
        (out as unknown as Record<string, unknown>)[key] = v;
    }
    return out;
  });
}

export function saveSettings(change: Partial<LibrarySettings>): Promise<void> {
  return write('save the settings', async () => {
    const db = await caseDb();
    const tx = db.transaction('settings', 'readwrite');
    for (const [key, value] of Object.entries(change)) await tx.store.put(value, key);
    await tx.done;
  });
}

export function readRescoreJob(): Promise<RescoreJob | undefined> {
  return read('read the re-scoring progress', async () => (await caseDb()).get('jobs', 'rescore'));
}

export function saveRescoreJob(job: RescoreJob): Promise<void> {
  return write('save the re-scoring progress', async () => {
    await (await caseDb()).put('jobs', job);
  });
}

export function clearRescoreJob(): Promise<void> {
  return write('clear the re-scoring progress', async () => {
    await (await caseDb()).delete('jobs', 'rescore');
  });
}
