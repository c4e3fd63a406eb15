// Clips are told from frames by their bytes first, then by type and name.
import { describe, expect, it } from 'vitest';
import { clipKindOf } from './clipKind';

const bytes = (at: number, sig: number[], length = 200) => {
  const b = new Uint8Array(length);
  b.set(sig, at);
  return b;
};

describe('clipKindOf', () => {
  it('reads the bytes: DICM at 128, ftyp at 4, EBML at 0', () => {
    expect(clipKindOf(bytes(128, [0x44, 0x49, 0x43, 0x4d]), { name: 'x.png' })).toBe('dicom');
    expect(clipKindOf(bytes(4, [0x66, 0x74, 0x79, 0x70]), { name: 'clip' })).toBe('video');
    expect(clipKindOf(bytes(0, [0x1a, 0x45, 0xdf, 0xa3]), {})).toBe('video');
  });

  it('falls back on the name and type, but never calls an image a clip', () => {
    expect(clipKindOf(new Uint8Array(10), { name: 'IMG0001.DCM' })).toBe('dicom');
    expect(clipKindOf(new Uint8Array(10), { name: 'x', type: 'application/dicom' })).toBe('dicom');
    expect(clipKindOf(new Uint8Array(10), { name: 'lung.mov' })).toBe('video');
    expect(clipKindOf(new Uint8Array(10), { name: 'a', type: 'video/webm' })).toBe('video');
    expect(clipKindOf(bytes(0, [0x89, 0x50, 0x4e, 0x47]), { name: 'frame.dcm' })).toBeNull();
    expect(clipKindOf(new Uint8Array(10), { name: 'frame.png', type: 'image/png' })).toBeNull();
  });
});
