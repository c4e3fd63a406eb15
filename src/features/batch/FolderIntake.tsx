// Choosing the folder to score: the browser's folder picker where it has one, else a folder file input.

import { useCallback, useRef, type ChangeEvent } from 'react';
import {
  canPickFolderDirectly,
  folderFromFileList,
  pickFolderDirectly,
  type ChosenFolder,
} from '../../sources';

/** Opens the folder picker (or the hidden input), for the Choose button and the resume offer alike. */
export function useFolderPicker(
  onFolder: (folder: ChosenFolder | null) => void,
  onProblem: (message: string) => void,
) {
  const inputRef = useRef<HTMLInputElement>(null);
  const choose = useCallback(async () => {
    if (!canPickFolderDirectly()) {
      inputRef.current?.click();
      return;
    }
    try {
      onFolder(await pickFolderDirectly());
    } catch (error) {
      onProblem(`The folder could not be opened: ${(error as Error).message}`);
    }
  }, [onFolder, onProblem]);
  const onInput = (e: ChangeEvent<HTMLInputElement>) => {
    const folder = e.target.files ? folderFromFileList(e.target.files) : null;
    e.target.value = '';
    onFolder(folder);
  };
  return { inputRef, choose, onInput };
}

export function FolderIntake({
  picker,
  disabled,
}: {
  picker: ReturnType<typeof useFolderPicker>;
  disabled: boolean;
}) {
  return (
    <div className="intake">
      <button
        type="button"
        className="button primary big"
        data-testid="batch-choose"
        disabled={disabled}
        onClick={() => void picker.choose()}
      >
        Choose a folder…
      </button>
      <input
        ref={picker.inputRef}
        type="file"
        data-testid="batch-folder-input"
        hidden
        multiple
        // React does not know the attribute; every current browser supports it.
        {...{ webkitdirectory: '' }}
        onChange={picker.onInput}
      />
      <p className="muted">
        …or drop a folder here. Every image inside it (and its sub-folders) is scored on this device. Folders
        named after a sign (a_lines, B-lines, effusion, PE, consolidation, LC…) label the frames below them.
      </p>
    </div>
  );
}
