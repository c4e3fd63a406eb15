// Lists a folder for scoring: every regular file depth-first, with skipped rows for what was not looked at, and folder labels.
import type { Dirent } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { comparePaths, type BatchRow, type ClassId } from '../src/core/index.ts';
import { labelFromFolders, splitFolderPath } from '../src/sources/folderLabels.ts';

export interface FoundFile {
  file: string;
  path: string;
  size: number;
  lastModified: number;
}

/**
 * Walks the folder depth-first. Folders that cannot be opened and links to folders (which can loop) become
 * skipped rows, so the report says what was not looked at.
 */
export async function walk(root: string, skipped: BatchRow[]): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const visit = async (dir: string, rel: string): Promise<void> => {
    let entries: Dirent[] = [];
    try {
      const handle = await opendir(dir);
      for await (const entry of handle) entries.push(entry);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      skipped.push(
        skippedRow(
          `${rel}/`,
          e.code === 'EACCES' || e.code === 'EPERM'
            ? 'Folder cannot be opened: permission denied.'
            : `Folder cannot be opened (${e.code ?? e.message}).`,
        ),
      );
      return;
    }
    entries = entries.sort((a, b) => comparePaths(a.name, b.name));
    for (const entry of entries) {
      const file = join(dir, entry.name);
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await visit(file, path);
        continue;
      }
      let info;
      try {
        info = await stat(file);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        skipped.push(
          skippedRow(
            path,
            e.code === 'ENOENT'
              ? 'Broken link or vanished while listing.'
              : `Cannot be read (${e.code ?? e.message}).`,
          ),
        );
        continue;
      }
      if (info.isDirectory()) {
        skipped.push(skippedRow(path, 'Link to a folder: not followed (links can loop).'));
        continue;
      }
      if (!info.isFile()) {
        skipped.push(skippedRow(path, 'Not a regular file.'));
        continue;
      }
      found.push({ file, path, size: info.size, lastModified: info.mtimeMs });
    }
  };
  await visit(root, '');
  return found;
}

export function skippedRow(path: string, reason: string, size = 0, lastModified = 0): BatchRow {
  return { path, size, lastModified, label: null, status: 'skipped', reason, ms: 0 };
}

/** The folder's own name counts as a label too, as in the app (picking a folder named "B-lines"). */
export function labelOf(rootName: string, path: string): { label: ClassId | null; labelWarning?: string } {
  const { folders } = splitFolderPath(path);
  const l = labelFromFolders([rootName, ...folders]);
  return l.warning ? { label: l.label, labelWarning: l.warning } : { label: l.label };
}
