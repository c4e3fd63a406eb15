// Tells a clip (a video or a DICOM file) from a still frame by its first bytes, its type and its name (pure, any context).

import { isDicom } from '../core/dicom';

export type ClipKind = 'video' | 'dicom';

const VIDEO_EXTENSIONS = ['mp4', 'm4v', 'mov', 'webm', 'mkv'];
const DICOM_EXTENSIONS = ['dcm', 'dicom', 'dic'];

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

/**
 * 'video' for an ISO media file (MP4, MOV: "ftyp" at byte 4) or a Matroska/WebM file (EBML magic), 'dicom'
 * for a Part 10 file ("DICM" at byte 128) or one named .dcm; null for anything else (a still frame, or
 * something the image path names). The bytes decide first: a renamed file is read as what it is.
 */
export function clipKindOf(head: Uint8Array, file: { name?: string; type?: string }): ClipKind | null {
  if (isDicom(head)) return 'dicom';
  if (head.length >= 8 && head[4] === 0x66 && head[5] === 0x74 && head[6] === 0x79 && head[7] === 0x70)
    return 'video';
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3)
    return 'video';
  const imageLike =
    head.length >= 3 &&
    ((head[0] === 0x89 && head[1] === 0x50) ||
      (head[0] === 0xff && head[1] === 0xd8) ||
      (head[0] === 0x47 && head[1] === 0x49));
  if (imageLike) return null;
  const ext = extensionOf(file.name ?? '');
  if (DICOM_EXTENSIONS.includes(ext) || file.type === 'application/dicom') return 'dicom';
  if (VIDEO_EXTENSIONS.includes(ext) || (file.type ?? '').startsWith('video/')) return 'video';
  return null;
}

/** How many bytes clipKindOf needs to look at. */
export const CLIP_SNIFF_BYTES = 132;
