// Viewing a batch row reads its file again: found and unchanged, or a message that says what happened.
import { describe, expect, it } from 'vitest';
import { InputProblem, type ChosenFolder, type FolderFile } from '../../sources';
import { readRowFrame } from './batchFrame';

const bytes = new Uint8Array(100);
function file(path: string, read: () => Promise<Blob>): FolderFile {
  return { path, size: 100, lastModified: 5, read };
}
const row = { path: 'B/1.png', size: 100, lastModified: 5 };
const folderWith = (...files: FolderFile[]): ChosenFolder => ({ name: 'audit', files, problems: [] });

describe('readRowFrame', () => {
  it('returns the file when it is there and unchanged', async () => {
    const image = new File([bytes], '1.png', { lastModified: 5 });
    const got = await readRowFrame(folderWith(file('B/1.png', async () => image)), row);
    expect(got).toEqual({ ok: true, image });
  });

  it('says so when the folder is not open any more, or the file is not in it', async () => {
    const closed = await readRowFrame(null, row);
    expect(closed.ok).toBe(false);
    expect(!closed.ok && closed.message).toMatch(/Choose the folder again/);
    const missing = await readRowFrame(folderWith(), row);
    expect(!missing.ok && missing.message).toBe('B/1.png is not in the folder “audit” any more.');
  });

  it('names a file deleted since it was scored, and passes on other read problems', async () => {
    const gone = await readRowFrame(
      folderWith(
        file('B/1.png', () =>
          Promise.reject(new InputProblem('vanished', 'B/1.png disappeared during the run.')),
        ),
      ),
      row,
    );
    expect(!gone.ok && gone.message).toMatch(/^B\/1\.png is gone from the folder \(moved or deleted/);
    const denied = await readRowFrame(
      folderWith(file('B/1.png', () => Promise.reject(new DOMException('no', 'NotAllowedError')))),
      row,
    );
    expect(!denied.ok && denied.message).toBe('B/1.png cannot be read: permission denied.');
  });

  it('refuses a file that changed since it was scored (size or time): the stored crop would not fit', async () => {
    const bigger = await readRowFrame(
      folderWith(file('B/1.png', async () => new Blob([new Uint8Array(120)]))),
      row,
    );
    expect(!bigger.ok && bigger.message).toMatch(/changed since it was scored/);
    const touched = await readRowFrame(
      folderWith(file('B/1.png', async () => new File([bytes], '1.png', { lastModified: 9 }))),
      row,
    );
    expect(touched.ok).toBe(false);
  });
});
