// Labels from folder names (whole names only, deepest wins, conflicts left unlabelled) and which files are skipped.
import { describe, expect, it } from 'vitest';
import { frameFileKey, labelFromFolders, skipReason, splitFolderPath } from './folderLabels';

describe('labelFromFolders', () => {
  it('reads every alias style as a whole folder name', () => {
    expect(labelFromFolders(['audit', 'A-lines']).label).toBe('a_lines');
    expect(labelFromFolders(['audit', 'b lines']).label).toBe('b_lines');
    expect(labelFromFolders(['PE']).label).toBe('pleural_effusion');
    expect(labelFromFolders(['x', 'LC', 'exam 3']).label).toBe('consolidation');
  });

  it('does not read "Ward B" or "Patient A" as labels', () => {
    expect(labelFromFolders(['Ward B', 'Patient A'])).toEqual({ label: null });
  });

  it('agrees when the same sign is named twice, and leaves conflicting paths unlabelled with a warning', () => {
    expect(labelFromFolders(['effusion', 'PE']).label).toBe('pleural_effusion');
    const conflict = labelFromFolders(['a_lines', 'B']);
    expect(conflict.label).toBeNull();
    expect(conflict.warning).toMatch(/"a_lines" \(A-lines\) and "B" \(B-lines\) disagree/);
  });
});

describe('skipReason', () => {
  it('scores image extensions in any case and skips the rest with the reason', () => {
    expect(skipReason('IMG_1.JPG', 1000)).toBeNull();
    expect(skipReason('frame.webp', 1000)).toBeNull();
    expect(skipReason('notes.txt', 10)).toMatch(/Not an image file \(\.txt\)/);
    expect(skipReason('Makefile', 10)).toMatch(/no extension/);
    expect(skipReason('.DS_Store', 10)).toMatch(/Hidden/);
    expect(skipReason('Thumbs.db', 10)).toMatch(/system file/);
    expect(skipReason('huge.png', 300 * 1024 * 1024)).toMatch(/Too large/);
  });
});

describe('paths and keys', () => {
  it('splits a folder path and keys a file by path, size and modification time', () => {
    expect(splitFolderPath('root/a_lines/x.png')).toEqual({
      folders: ['root', 'a_lines'],
      fileName: 'x.png',
    });
    expect(frameFileKey('a/x.png', 10, 5)).not.toBe(frameFileKey('a/x.png', 10, 6));
  });
});
