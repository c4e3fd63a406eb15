// The shape of the one IndexedDB database (`lus-signs`): its stores, keys and indexes, as types only; db.ts
// owns the migrations that build it.

import type { DBSchema } from 'idb';
import type { BatchJob, BatchJobRow } from './batchJobRecord';
import type { CaseRecord, LibrarySettings, RescoreJob } from './caseRecord';

export interface CaseDb extends DBSchema {
  cases: {
    key: string;
    value: CaseRecord;
    indexes: { 'by-created': number; 'by-exam': string; 'by-updated': number; 'by-kind': string };
  };
  settings: { key: string; value: LibrarySettings[keyof LibrarySettings] };
  jobs: { key: string; value: RescoreJob };
  /** Batch-scoring runs over a chosen folder (v3; before, in the database `lus-signs-batch`). */
  batchJobs: { key: string; value: BatchJob; indexes: { 'by-updated': number } };
  /** Their scored and unreadable files, keyed by run and path. */
  batchRows: { key: [string, string]; value: BatchJobRow; indexes: { 'by-job': string } };
}
