// Recognises image formats from their first bytes and spots truncated files, without decoding (pure, any context).

import { imageSize } from 'image-size';
import { InputProblem, MIN_FRAME_SIDE } from './inputProblem';

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp';

const startsWith = (bytes: Uint8Array, sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);

/** What a non-image file probably is, so the message can say "this is a PDF" rather than "bad file". */
function describeNonImage(head: Uint8Array): string {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) return 'a PDF document';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive or office document';
  if (head.length >= 132 && startsWith(head, [0x44, 0x49, 0x43, 0x4d], 128))
    return 'a DICOM file (drop it on the Classify screen to read it as a frame or clip)';
  if (head.length >= 8 && startsWith(head, [0x66, 0x74, 0x79, 0x70], 4))
    return 'a video (MP4/MOV): drop it on the Classify screen to read it as a clip';
  const text = head.subarray(0, 64).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  if (text) return 'a text file';
  return 'not a PNG, JPEG, GIF, BMP or WebP image';
}

export function sniffFormat(head: Uint8Array): ImageFormat | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (startsWith(head, [0x42, 0x4d])) return 'bmp';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8))
    return 'webp';
  return null;
}

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/**
 * Checks a whole file before decoding: empty, not an image, unreadable header, too small, or cut off
 * (decoders silently grey-fill a truncated JPEG, which would then be classified as if it were real).
 */
export function inspectImageBytes(bytes: Uint8Array, name = 'The file'): ImageHeader {
  if (bytes.length === 0) throw new InputProblem('empty-file', `${name} is empty (0 bytes).`);
  const format = sniffFormat(bytes);
  if (!format)
    throw new InputProblem(
      'not-an-image',
      `${name} is not an image: it looks like ${describeNonImage(bytes)}.`,
    );
  let width: number | undefined;
  let height: number | undefined;
  try {
    const size = imageSize(bytes);
    width = size.width;
    height = size.height;
  } catch {
    throw new InputProblem(
      'corrupt-image',
      `${name} is damaged: its ${format.toUpperCase()} header cannot be read.`,
    );
  }
  if (!width || !height)
    throw new InputProblem('corrupt-image', `${name} is damaged: it gives no image size.`);
  if (width < MIN_FRAME_SIDE || height < MIN_FRAME_SIDE) {
    throw new InputProblem(
      'too-small',
      `${name} is only ${width}×${height} pixels; at least ${MIN_FRAME_SIDE}×${MIN_FRAME_SIDE} is needed to read a sign.`,
    );
  }
  if (format === 'jpeg' && !hasJpegEnd(bytes)) {
    throw new InputProblem(
      'corrupt-image',
      `${name} is truncated: the JPEG data stops before the end of the image.`,
    );
  }
  if (format === 'png' && !hasPngEnd(bytes)) {
    throw new InputProblem(
      'corrupt-image',
      `${name} is truncated: the PNG data stops before the end of the image.`,
    );
  }
  return { format, width, height };
}

function hasJpegEnd(bytes: Uint8Array): boolean {
  // Some encoders pad after the end-of-image marker; look at the last few hundred bytes.
  for (let i = bytes.length - 2; i >= Math.max(0, bytes.length - 512); i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

function hasPngEnd(bytes: Uint8Array): boolean {
  const iend = [0x49, 0x45, 0x4e, 0x44];
  for (let i = bytes.length - 8; i >= Math.max(0, bytes.length - 64); i--)
    if (startsWith(bytes, iend, i)) return true;
  return false;
}
