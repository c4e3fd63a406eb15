// Public surface of the offline layer: status and update prompt, and the update hold for long work.
export { OfflineStatus } from './OfflineStatus';
export { holdUpdates } from './updateGuard';
export { checkOffline, type ModelFilesAt } from './offlineReadiness';
export { HomeScreenHint } from './HomeScreenHint';
