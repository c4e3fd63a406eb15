// The one IndexedDB database (`lus-signs`): its schema, versioned migrations, and the one shared connection
// every store module uses; `blocked` and `blocking` (versionchange) are handled here and nowhere else.

import { openDB, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { CaseRecord } from './caseRecord';
import { legacyBatchDbName, moveLegacyBatchProgress } from './legacyBatchDb';
import type { CaseDb } from './schema';
import {
  BLOCKED_MESSAGE,
  NEWER_VERSION_MESSAGE,
  StorageError,
  UNAVAILABLE_MESSAGE,
  currentStorageProblem,
  reportStorageProblem,
  toStorageError,
} from './storageProblem';

export const DB_NAME = 'lus-signs';
/** Bump with a new entry in MIGRATIONS; never edit a migration that has shipped. */
export const DB_VERSION = 4;

export type { CaseDb };

type UpgradeTx = IDBPTransaction<CaseDb, StoreNames<CaseDb>[], 'versionchange'>;
type Migration = (db: IDBPDatabase<CaseDb>, tx: UpgradeTx) => Promise<void> | void;

/**
 * MIGRATIONS[v - 1] brings the database from version v - 1 to v.
 * v1: cases (by creation time and exam) and settings.
 * v2: label history and an updated time on every case (backfilled from the v1 label), an index on the
 *     updated time, and a jobs store for re-scoring progress.
 * v3: the batch-scoring stores (runs by update time, rows by run), until then a database of their own;
 *     what that database holds is moved in after the upgrade (legacyBatchDb.ts), not in it: a
 *     versionchange transaction cannot read another database.
 * v4: clip cases: `kind` on every case (each older case is a frame, backfilled) and an index on it, so the
 *     library can list clips without reading every frame case.
 */
export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    const cases = db.createObjectStore('cases', { keyPath: 'id' });
    cases.createIndex('by-created', 'created');
    cases.createIndex('by-exam', 'examId');
    db.createObjectStore('settings');
  },
  async (db, tx) => {
    const cases = tx.objectStore('cases');
    cases.createIndex('by-updated', 'updated');
    db.createObjectStore('jobs', { keyPath: 'id' });
    // v1 cases had no history: the label they carry becomes its first entry, by the reader who gave it.
    let cursor = await cases.openCursor();
    while (cursor) {
      const old = cursor.value as Partial<CaseRecord> & Pick<CaseRecord, 'created' | 'label'>;
      await cursor.update({
        ...old,
        updated: old.updated ?? old.created,
        labelHistory: old.labelHistory ?? [
          { at: old.created, by: old.reader ?? '', from: null, to: old.label },
        ],
      } as CaseRecord);
      cursor = await cursor.continue();
    }
  },
  (db) => {
    db.createObjectStore('batchJobs', { keyPath: 'id' }).createIndex('by-updated', 'updatedAt');
    db.createObjectStore('batchRows', { keyPath: ['jobId', 'path'] }).createIndex('by-job', 'jobId');
  },
  async (_db, tx) => {
    const cases = tx.objectStore('cases');
    // Every case before v4 is a frame. Backfilled before the index exists, so every case is in it;
    // nothing else of a record changes.
    let cursor = await cases.openCursor();
    while (cursor) {
      await cursor.update({ ...cursor.value, kind: 'frame' });
      cursor = await cursor.continue();
    }
    cases.createIndex('by-kind', 'kind');
  },
];

let dbName = DB_NAME;
let connection: Promise<IDBPDatabase<CaseDb>> | null = null;

/** Opens the database at `version`, running the migrations it lacks. Tests open older versions with it. */
export function openCaseDbAt(name: string, version: number): Promise<IDBPDatabase<CaseDb>> {
  return openDB<CaseDb>(name, version, {
    async upgrade(db, oldVersion, newVersion, tx) {
      for (let v = oldVersion; v < (newVersion ?? version); v++) await MIGRATIONS[v]!(db, tx);
    },
    blocked() {
      // Another tab holds the old version open; the upgrade waits until it lets go.
      reportStorageProblem({ kind: 'blocked', message: BLOCKED_MESSAGE });
    },
    blocking(_current, _blocked, event) {
      // A newer version wants to open in another tab: let go so it can, and ask this tab to reload.
      (event.target as IDBDatabase).close();
      connection = null;
      reportStorageProblem({ kind: 'newer-version', message: NEWER_VERSION_MESSAGE });
    },
    terminated() {
      // The browser closed the connection (storage cleared, disk trouble); the next call reopens it.
      connection = null;
    },
  });
}

/** The shared connection, opened on first use. */
export function caseDb(): Promise<IDBPDatabase<CaseDb>> {
  if (!connection) {
    if (typeof indexedDB === 'undefined') {
      return Promise.reject(new StorageError('unavailable', UNAVAILABLE_MESSAGE));
    }
    const opening = openCaseDbAt(dbName, DB_VERSION).then(
      async (db) => {
        if (currentStorageProblem()?.kind === 'blocked') reportStorageProblem(null);
        // Every open, not only the upgrade: a move that failed or was cut short is retried until it is done.
        await moveLegacyBatchProgress(db, legacyBatchDbName(dbName));
        return db;
      },
      (error: unknown) => {
        if (connection === opening) connection = null;
        throw toStorageError(error, 'open');
      },
    );
    connection = opening;
  }
  return connection;
}

/**
 * Closes and forgets the connection. Called after a failed write: Firefox can leave a database read-only
 * after a quota abort until it is reopened.
 */
export async function closeCaseDb(): Promise<void> {
  const open = connection;
  connection = null;
  if (open) {
    try {
      (await open).close();
    } catch {
      // It never opened; nothing to close.
    }
  }
}

/** Tests use a fresh database name per test. */
export async function useDatabaseName(name: string): Promise<void> {
  await closeCaseDb();
  dbName = name;
}
