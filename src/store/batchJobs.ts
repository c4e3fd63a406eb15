// Batch-scoring progress on the device: which files of a folder were scored and their results, so a reload can resume.
// Stores `batchJobs` and `batchRows` of the one database (schema v3, db.ts), through its shared connection.
// Rows are many, disposable and never backed up; before v3 they had a database of their own (legacyBatchDb.ts).

import type { IDBPDatabase } from 'idb';
import type { BatchJob, BatchJobRow } from './batchJobRecord';
import { caseDb, closeCaseDb } from './db';
import type { CaseDb } from './schema';
import { reportStorageProblem, toStorageError } from './storageProblem';

export type { BatchJob, BatchJobRow, BatchScore } from './batchJobRecord';

async function guarded<T>(doing: string, work: (db: IDBPDatabase<CaseDb>) => Promise<T>): Promise<T> {
  try {
    return await work(await caseDb());
  } catch (error) {
    const problem = toStorageError(error, doing);
    reportStorageProblem({ kind: problem.kind, message: problem.message });
    // Firefox can leave a database read-only after a failed write until it is reopened.
    await closeCaseDb();
    throw problem;
  }
}

export function saveBatchJob(job: BatchJob): Promise<void> {
  return guarded('save the batch progress', async (db) => {
    await db.put('batchJobs', job);
  });
}

/**
 * Stores one chunk's results and the job's progress in one small transaction (iOS aborts long ones when
 * the app goes to the background), so what is stored always matches the progress count.
 */
export function saveBatchRows(job: BatchJob, rows: readonly BatchJobRow[]): Promise<void> {
  return guarded('save the batch results', async (db) => {
    const tx = db.transaction(['batchJobs', 'batchRows'], 'readwrite');
    await Promise.all([
      ...rows.map((row) => tx.objectStore('batchRows').put(row)),
      tx.objectStore('batchJobs').put(job),
      tx.done,
    ]);
  });
}

/** The most recent run that did not finish, if any: the screen offers to resume it. */
export function unfinishedBatchJob(): Promise<BatchJob | undefined> {
  return guarded('read the batch progress', async (db) => {
    const jobs = await db.getAllFromIndex('batchJobs', 'by-updated');
    return jobs.reverse().find((j) => j.state !== 'finished');
  });
}

export function batchJobRows(jobId: string): Promise<BatchJobRow[]> {
  return guarded('read the batch results', (db) => db.getAllFromIndex('batchRows', 'by-job', jobId));
}

/** Forgets a run and its rows (after it finished and was exported, or when the user discards it). */
export function deleteBatchJob(jobId: string): Promise<void> {
  return guarded('delete the batch progress', async (db) => {
    const tx = db.transaction(['batchJobs', 'batchRows'], 'readwrite');
    const done = tx.done;
    done.catch(() => undefined); // awaited below; an abort must not surface as unhandled first
    const keys = await tx.objectStore('batchRows').index('by-job').getAllKeys(jobId);
    await Promise.all([
      ...keys.map((key) => tx.objectStore('batchRows').delete(key)),
      tx.objectStore('batchJobs').delete(jobId),
      done,
    ]);
  });
}
