// The batch-progress database of versions before schema v3 (`lus-signs-batch`): moved into v3's stores, then deleted.
// REMOVE this file and its one call in db.ts once no device can still hold that database: when a release stops
// upgrading databases older than v3 (or a year after v3 shipped, whichever the team decides first). Until then
// a device that skipped versions still carries its batch progress forward.

import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BatchJob, BatchJobRow } from './batchJobRecord';
import type { CaseDb } from './schema';
import { reportStorageProblem } from './storageProblem';

/** The old database's only schema (v1), as it shipped. */
interface LegacyBatchDb extends DBSchema {
  jobs: { key: string; value: BatchJob; indexes: { 'by-updated': number } };
  rows: { key: [string, string]; value: BatchJobRow; indexes: { 'by-job': string } };
}

/** It was named after the case library's database: `lus-signs` → `lus-signs-batch` (tests: per-test names). */
export function legacyBatchDbName(caseDbName: string): string {
  return `${caseDbName}-batch`;
}

/** What the old database held. */
interface LegacyProgress {
  jobs: BatchJob[];
  rows: BatchJobRow[];
}

/**
 * Reads the old database whole, or returns null when there is none. Looking must not create it: opening
 * without a version creates an empty database, so that upgrade is aborted (which discards the new one).
 */
async function readLegacyProgress(name: string): Promise<LegacyProgress | null> {
  let absent = false;
  let db: IDBPDatabase<LegacyBatchDb>;
  try {
    db = await openDB<LegacyBatchDb>(name, undefined, {
      upgrade(_db, _old, _new, tx) {
        absent = true;
        tx.done.catch(() => undefined); // the abort is the point, not a failure
        tx.abort();
      },
      // Another tab deleting it (this same move, there): let go at once.
      blocking(_current, _next, event) {
        (event.target as IDBDatabase).close();
      },
    });
  } catch (error) {
    if (absent) return null;
    throw error;
  }
  try {
    const stores = [...db.objectStoreNames];
    // A database by that name without the shipped stores holds nothing of ours.
    if (!stores.includes('jobs') || !stores.includes('rows')) return { jobs: [], rows: [] };
    const tx = db.transaction(['jobs', 'rows'], 'readonly');
    const [jobs, rows] = await Promise.all([
      tx.objectStore('jobs').getAll(),
      tx.objectStore('rows').getAll(),
      tx.done,
    ]);
    return { jobs, rows };
  } finally {
    db.close();
  }
}

/**
 * Writes the old progress into v3's stores in one transaction: all of it or (on an abort) none of it.
 * Copying twice changes nothing: a run already here that is as new or newer (a retry after the old
 * database could not be deleted, and the run resumed since) keeps its own record and rows.
 */
async function copyLegacyProgress(db: IDBPDatabase<CaseDb>, legacy: LegacyProgress): Promise<void> {
  const tx = db.transaction(['batchJobs', 'batchRows'], 'readwrite');
  const done = tx.done;
  done.catch(() => undefined); // awaited below; an abort must not surface as unhandled first
  const jobs = tx.objectStore('batchJobs');
  const rows = tx.objectStore('batchRows');
  const newerHere = new Set<string>();
  const writes: Array<Promise<unknown>> = [];
  const write = (request: Promise<unknown>) => {
    request.catch(() => undefined); // awaited below; an abort midway must not surface as unhandled first
    writes.push(request);
  };
  try {
    for (const job of legacy.jobs) {
      const here = await jobs.get(job.id);
      if (here && here.updatedAt >= job.updatedAt) newerHere.add(job.id);
      else write(jobs.put(job));
    }
    for (const row of legacy.rows) if (!newerHere.has(row.jobId)) write(rows.put(row));
    await Promise.all([...writes, done]);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already aborted by the failed request.
    }
    await done.catch(() => undefined);
    throw error;
  }
}

/**
 * Deletes the old database. An old tab still holding it open is asked to let go (old versions close on
 * versionchange); until it does the deletion waits in the browser, so this does not wait for it.
 */
function deleteLegacyDb(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    deleteDB(name, { blocked: () => resolve() }).then(resolve, reject);
  });
}

/**
 * Moves an old batch database's runs and rows into this one and deletes it, only after the copy has
 * committed. Never throws: the case library opens either way. A failure is reported and leaves the old
 * database as it was, so the next open tries again and nothing is lost.
 */
export async function moveLegacyBatchProgress(db: IDBPDatabase<CaseDb>, legacyName: string): Promise<void> {
  try {
    const legacy = await readLegacyProgress(legacyName);
    if (!legacy) return;
    if (legacy.jobs.length || legacy.rows.length) await copyLegacyProgress(db, legacy);
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    reportStorageProblem({
      kind: 'failed',
      message: `The batch progress kept by an earlier version of LUS Signs could not be moved (${detail}). It is kept as it was, and moving it is tried again when the app next opens.`,
    });
    return;
  }
  // The copy has committed. Should deleting fail, the next open copies again (which changes nothing) and
  // deletes then: nothing to tell the user, nothing lost.
  await deleteLegacyDb(legacyName).catch(() => undefined);
}
