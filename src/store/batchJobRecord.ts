// What a batch-scoring run stores: the run and its scored or unreadable files (types only, shared by the schema,
// the batch store and the move from the old batch database).

import type { BatchScore, ClassId } from '../core';

// One definition of a scored frame, in the core beside the batch report (src/core/batch); stored here as it is.
export type { BatchScore };

/** One batch run over a chosen folder with one model version. */
export interface BatchJob {
  id: string;
  /** The chosen folder's name: a resumed run must be given the same folder again. */
  folderName: string;
  modelKey: string;
  startedAt: number;
  updatedAt: number;
  /** Frames to score when the run started (images not yet scored). */
  total: number;
  done: number;
  state: 'running' | 'cancelled' | 'finished';
}

/** A scored or unreadable file of a batch, as stored. Skipped files are not stored: they are found again. */
export interface BatchJobRow {
  jobId: string;
  path: string;
  size: number;
  lastModified: number;
  label: ClassId | null;
  labelWarning?: string;
  status: 'scored' | 'failed';
  score?: BatchScore;
  code?: string;
  reason?: string;
  ms: number;
}
