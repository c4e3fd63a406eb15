// Storage failures as typed UI state with a message a nurse can act on; screens subscribe, nothing is silent.

export type StorageProblemKind = 'quota' | 'blocked' | 'newer-version' | 'unavailable' | 'failed';

export interface StorageProblem {
  kind: StorageProblemKind;
  message: string;
}

export const QUOTA_MESSAGE =
  'Storage is full: export a backup and delete old cases. This case was not saved; the cases already stored are safe.';
/** Bytes in words a nurse reads: "820 KB", "3.4 MB". */
export function formatStorageSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A clip that did not fit: how much room it needs, so the reader knows how much to free. */
export function clipQuotaMessage(bytes: number): string {
  return `Storage is full: this clip needs about ${formatStorageSize(bytes)}. Export a backup and delete old cases to make room. This clip was not saved; the cases already stored are safe.`;
}

export const BLOCKED_MESSAGE =
  'Close the other LUS Signs tabs or windows: the case library is being updated and they are holding it open.';
export const NEWER_VERSION_MESSAGE =
  'LUS Signs was updated in another tab. Reload this tab to keep using the case library.';
export const UNAVAILABLE_MESSAGE =
  'This browser does not let the app keep cases (private window or storage switched off). Cases cannot be saved here.';

/** A storage failure the UI can show; `kind` says which advice applies. */
export class StorageError extends Error {
  constructor(
    readonly kind: StorageProblemKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

type Named = { name?: unknown; code?: unknown; inner?: unknown; error?: unknown };

/** Quota errors arrive as the error itself or as the inner error of an AbortError, depending on the browser. */
export function isQuotaError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const n = e as Named;
    if (n.name === 'QuotaExceededError' || n.name === 'NS_ERROR_DOM_QUOTA_REACHED' || n.code === 22)
      return true;
    if (n.inner) e = n.inner;
    else if (n.error) e = n.error;
    else if (e instanceof StorageError) e = e.cause;
    else break;
  }
  return false;
}

export function toStorageError(error: unknown, doing: string): StorageError {
  if (error instanceof StorageError) return error;
  if (isQuotaError(error)) return new StorageError('quota', QUOTA_MESSAGE, error);
  const name = (error as Named | null)?.name;
  if (name === 'InvalidStateError' || name === 'SecurityError') {
    return new StorageError('unavailable', UNAVAILABLE_MESSAGE, error);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new StorageError(
    'failed',
    `The case library could not ${doing} (${detail}). The cases already stored are safe; try again.`,
    error,
  );
}

let current: StorageProblem | null = null;
const listeners = new Set<(problem: StorageProblem | null) => void>();

export function reportStorageProblem(problem: StorageProblem | null): void {
  current = problem;
  for (const l of listeners) l(problem);
}

export function currentStorageProblem(): StorageProblem | null {
  return current;
}

/** Subscribes to problem changes; returns the unsubscribe function. */
export function onStorageProblem(listener: (problem: StorageProblem | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
