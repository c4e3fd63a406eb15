// A scored row's frame, read again from the chosen folder for viewing: the same file, unchanged since it was scored.

import { readProblem, type ChosenFolder } from '../../sources';
import type { BatchRow } from '../../core';

export type RowFrame = { ok: true; image: Blob } | { ok: false; message: string };

/**
 * The stored crop and heat map fit the file as it was scored; a file changed since would be drawn with a
 * region and map that belong to another picture, so it is named instead of shown. Nothing is classified.
 */
export async function readRowFrame(
  folder: ChosenFolder | null,
  row: Pick<BatchRow, 'path' | 'size' | 'lastModified'>,
): Promise<RowFrame> {
  if (!folder) {
    return {
      ok: false,
      message:
        'The folder is not open in this tab any more (the page was reloaded), so this frame cannot be shown. Choose the folder again to view its frames.',
    };
  }
  const file = folder.files.find((f) => f.path === row.path);
  if (!file) return { ok: false, message: `${row.path} is not in the folder “${folder.name}” any more.` };
  let image: Blob;
  try {
    image = await file.read();
  } catch (error) {
    const problem = readProblem(error, row.path);
    return {
      ok: false,
      message:
        problem.code === 'vanished'
          ? `${row.path} is gone from the folder (moved or deleted since it was scored), so it cannot be shown.`
          : problem.message,
    };
  }
  const lastModified = (image as Partial<File>).lastModified;
  if (image.size !== row.size || (lastModified !== undefined && lastModified !== row.lastModified)) {
    return {
      ok: false,
      message: `${row.path} changed since it was scored, so the stored region and heat map no longer fit it. Score the folder again to view it.`,
    };
  }
  return { ok: true, image };
}
