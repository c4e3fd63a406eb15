// A folder dropped anywhere on the batch screen: whether one is being dragged over it, and the folder once dropped.

import { useEffect, useState } from 'react';
import { folderFromDrop, type ChosenFolder } from '../../sources';

/**
 * Listens on the window, so a folder can land anywhere on the screen. While `busy` (a batch is running) a drop is
 * taken from the browser but not started. Returns whether files are being dragged over the window.
 */
export function useFolderDrop(
  busy: boolean,
  onFolder: (folder: ChosenFolder) => void,
  onProblem: (message: string) => void,
): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = () => setDragging(false);
    const drop = (e: DragEvent) => {
      if (!hasFiles(e) || !e.dataTransfer) return;
      e.preventDefault();
      setDragging(false);
      if (busy) return;
      folderFromDrop(e.dataTransfer.items).then(
        (folder) =>
          folder
            ? onFolder(folder)
            : onProblem('Drop a folder here (for a single frame, use the Classify screen).'),
        (error: unknown) => onProblem(`The dropped folder could not be read: ${(error as Error).message}`),
      );
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [busy, onFolder, onProblem]);
  return dragging;
}
