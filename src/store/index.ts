// Public surface of the store: the case library, settings, re-scoring and batch progress, backups and storage state.
export * from './caseRecord';
export * from './caseStore';
export * from './storageProblem';
export * from './persistence';
export * from './zones';
export { isCaseLabel, isClinicianLabel } from './labels';
export { sha256Hex } from './hash';
export { BACKUP_FORMAT, BACKUP_VERSION, BackupProblem, decodeBackup, encodeBackup } from './backup';
export { casesCsv } from './caseCsv';
export { DB_NAME, DB_VERSION } from './db';
export * from './modelStore';
export {
  batchJobRows,
  deleteBatchJob,
  saveBatchJob,
  saveBatchRows,
  unfinishedBatchJob,
  type BatchJob,
  type BatchJobRow,
} from './batchJobs';
