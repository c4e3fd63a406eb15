// A chosen folder in the browser: the File System Access picker, an <input webkitdirectory>, or a dropped folder, walked into one list.

import { InputProblem } from './inputProblem';

/** One file found in the folder. Nothing is read until `read()`, so a 10,000-file folder lists quickly. */
export interface FolderFile {
  /** Path inside the chosen folder, '/'-separated, without the folder's own name. */
  path: string;
  size: number;
  lastModified: number;
  /** The file, checked readable now; throws InputProblem ('vanished', 'unreadable') when it moved or cannot be read. */
  read(): Promise<Blob>;
}

export interface ChosenFolder {
  name: string;
  files: FolderFile[];
  /** Parts of the folder that could not be listed (sub-folders without permission), with the reason. */
  problems: Array<{ path: string; reason: string }>;
}

/** Turns the browser's read errors into the reasons the batch report gives. */
export function readProblem(error: unknown, path: string): InputProblem {
  if (error instanceof InputProblem) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotFoundError')
    return new InputProblem(
      'vanished',
      `${path} disappeared before it could be read (moved or deleted during the run).`,
    );
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return new InputProblem('unreadable', `${path} cannot be read: permission denied.`);
  if (name === 'NotReadableError')
    return new InputProblem(
      'unreadable',
      `${path} cannot be read: it changed, moved or is locked since the folder was chosen.`,
    );
  return new InputProblem(
    'unreadable',
    `${path} cannot be read (${(error as Error | null)?.message ?? String(error)}).`,
  );
}

/**
 * Checks that the file can still be read (one byte: a vanished or changed file fails here with a clear
 * reason) and hands on the disk-backed File itself. Copying the bytes into a new Blob instead would keep
 * every encoded frame in the browser's blob store until garbage collection: about 140 KB a frame, which
 * grew by 280 MB over a 2,000-frame folder.
 */
async function readable(file: File, path: string): Promise<Blob> {
  try {
    await file.slice(0, 1).arrayBuffer();
    return file;
  } catch (error) {
    throw readProblem(error, path);
  }
}

const joinPath = (base: string, name: string) => (base ? `${base}/${name}` : name);

// ---- File System Access API (Chromium): one adapter, replaced by an OPFS folder in tests.

interface DirectoryPickerWindow {
  showDirectoryPicker?: (options?: {
    mode?: 'read' | 'readwrite';
    id?: string;
  }) => Promise<FileSystemDirectoryHandle>;
}

export function canPickFolderDirectly(): boolean {
  return typeof (window as unknown as DirectoryPickerWindow).showDirectoryPicker === 'function';
}

type DirectoryWithEntries = FileSystemDirectoryHandle & {
  values(): AsyncIterableIterator<FileSystemFileHandle | FileSystemDirectoryHandle>;
};

/** Walks a directory handle; a file is re-opened from its handle when read, so a deleted file is named. */
export async function folderFromDirectoryHandle(root: FileSystemDirectoryHandle): Promise<ChosenFolder> {
  const folder: ChosenFolder = { name: root.name, files: [], problems: [] };
  const visit = async (dir: FileSystemDirectoryHandle, base: string): Promise<void> => {
    let children: Array<FileSystemFileHandle | FileSystemDirectoryHandle> = [];
    try {
      for await (const child of (dir as DirectoryWithEntries).values()) children.push(child);
    } catch (error) {
      folder.problems.push({ path: `${base}/`, reason: readProblem(error, base || root.name).message });
      return;
    }
    children = children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const path = joinPath(base, child.name);
      if (child.kind === 'directory') {
        await visit(child, path);
        continue;
      }
      try {
        const snapshot = await child.getFile();
        folder.files.push({
          path,
          size: snapshot.size,
          lastModified: snapshot.lastModified,
          read: async () => {
            let now: File;
            try {
              now = await child.getFile();
            } catch (error) {
              throw readProblem(error, path);
            }
            return readable(now, path);
          },
        });
      } catch (error) {
        folder.problems.push({ path, reason: readProblem(error, path).message });
      }
    }
  };
  await visit(root, '');
  return folder;
}

/** Opens the browser's folder picker; null when the user closes it without choosing. */
export async function pickFolderDirectly(): Promise<ChosenFolder | null> {
  const picker = (window as unknown as DirectoryPickerWindow).showDirectoryPicker!;
  let handle: FileSystemDirectoryHandle;
  try {
    handle = await picker({ mode: 'read', id: 'lus-batch' });
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') return null;
    throw error;
  }
  return folderFromDirectoryHandle(handle);
}

// ---- <input type="file" webkitdirectory>: every browser.

/** The files of an <input webkitdirectory>; their webkitRelativePath starts with the folder's name. */
export function folderFromFileList(list: FileList | readonly File[]): ChosenFolder | null {
  const files = Array.from(list);
  if (!files.length) return null;
  const first = files[0]!.webkitRelativePath || files[0]!.name;
  const name = first.includes('/') ? first.slice(0, first.indexOf('/')) : '';
  return {
    name,
    problems: [],
    files: files
      .map((file) => {
        const rel = file.webkitRelativePath || file.name;
        const path = name && rel.startsWith(`${name}/`) ? rel.slice(name.length + 1) : rel;
        return { path, size: file.size, lastModified: file.lastModified, read: () => readable(file, path) };
      })
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}

// ---- A folder dropped onto the page (DataTransferItem.webkitGetAsEntry).

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function entryChildren(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries returns at most ~100 entries per call; keep asking until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (!batch.length) return all;
    all.push(...batch);
  }
}

/** The first folder among dropped items, walked; null when no folder was dropped. */
export async function folderFromDrop(items: DataTransferItemList): Promise<ChosenFolder | null> {
  // Entries must be taken synchronously, before the drop event ends.
  const entries = Array.from(items)
    .map((item) => item.webkitGetAsEntry?.() ?? null)
    .filter((e): e is FileSystemEntry => !!e);
  const root = entries.find((e) => e.isDirectory) as FileSystemDirectoryEntry | undefined;
  if (!root) return null;
  const folder: ChosenFolder = { name: root.name, files: [], problems: [] };
  const visit = async (dir: FileSystemDirectoryEntry, base: string): Promise<void> => {
    let children: FileSystemEntry[];
    try {
      children = await entryChildren(dir);
    } catch (error) {
      folder.problems.push({ path: `${base}/`, reason: readProblem(error, base || root.name).message });
      return;
    }
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const path = joinPath(base, child.name);
      if (child.isDirectory) {
        await visit(child as FileSystemDirectoryEntry, path);
        continue;
      }
      try {
        const file = await entryFile(child as FileSystemFileEntry);
        folder.files.push({
          path,
          size: file.size,
          lastModified: file.lastModified,
          read: () => readable(file, path),
        });
      } catch (error) {
        folder.problems.push({ path, reason: readProblem(error, path).message });
      }
    }
  };
  await visit(root, '');
  return folder;
}
