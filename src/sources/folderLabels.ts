// What a file inside a chosen folder is: an image to score or a file to skip (with why), and its label from folder names.

import { CLASS_NAMES, classFromAlias, type ClassId } from '../core';

/** Extensions the decoders read; anything else in the folder is listed as skipped, never opened. */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'webp'] as const;

/** Files larger than this are not read at all: no exported ultrasound frame is this big. */
export const MAX_FRAME_FILE_BYTES = 200 * 1024 * 1024;

export interface FolderLabel {
  label: ClassId | null;
  /** Set when folders on the path name different signs: the frame is scored but left unlabelled. */
  warning?: string;
}

/**
 * Reads the label from the folder names on a path ("a_lines/exam 3/img.png" → a_lines). Only whole
 * folder names count ("Ward B" is not a label). The deepest labelled folder decides; when folders on the
 * path name different signs the frame is left unlabelled with a warning rather than guessed.
 * `folders` are the directory components from the chosen folder (included) down to the file's folder.
 */
export function labelFromFolders(folders: readonly string[]): FolderLabel {
  const found: Array<{ folder: string; label: ClassId }> = [];
  for (const folder of folders) {
    const label = classFromAlias(folder);
    if (label) found.push({ folder, label });
  }
  if (found.length === 0) return { label: null };
  const deepest = found[found.length - 1]!;
  const other = found.find((f) => f.label !== deepest.label);
  if (other) {
    return {
      label: null,
      warning: `Folders "${other.folder}" (${CLASS_NAMES[other.label]}) and "${deepest.folder}" (${CLASS_NAMES[deepest.label]}) disagree: left unlabelled.`,
    };
  }
  return { label: deepest.label };
}

/** Splits "root/a_lines/x.png" into its folders (root first) and file name. */
export function splitFolderPath(path: string): { folders: string[]; fileName: string } {
  const parts = path.split('/').filter(Boolean);
  const fileName = parts.pop() ?? '';
  return { folders: parts, fileName };
}

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/**
 * Why a file found in the folder is not scored, or null when it should be. Decided from the name and size
 * alone, so a folder of 10,000 files is sorted without opening any of them.
 */
export function skipReason(fileName: string, size: number): string | null {
  if (fileName.startsWith('.') || /^(thumbs\.db|desktop\.ini)$/i.test(fileName))
    return 'Hidden or system file.';
  const ext = extensionOf(fileName);
  if (!(IMAGE_EXTENSIONS as readonly string[]).includes(ext)) {
    return ext
      ? `Not an image file (.${ext}): only PNG, JPEG, GIF, BMP and WebP frames are scored.`
      : 'Not an image file (no extension): only PNG, JPEG, GIF, BMP and WebP frames are scored.';
  }
  if (size > MAX_FRAME_FILE_BYTES) {
    return `Too large to be one frame (${Math.round(size / 1024 / 1024)} MB; the limit is ${MAX_FRAME_FILE_BYTES / 1024 / 1024} MB).`;
  }
  return null;
}

/** The key that says a file was already scored: same path, size and modification time. */
export function frameFileKey(path: string, size: number, lastModified: number): string {
  return `${path}\u0000${size}\u0000${Math.round(lastModified)}`;
}
