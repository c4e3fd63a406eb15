// YUV4MPEG2 (4:2:0) encoding and parsing of grey clips, the format Chromium's fake camera plays.
import type { GreyImage } from '../core/frame/index.ts';

export interface Y4mClip {
  width: number;
  height: number;
  fps: number;
  /** Luma planes, one per frame, in studio range (16–235). */
  frames: Uint8Array[];
}

const encoder = new TextEncoder();

/**
 * Grey frames → .y4m bytes. Grey 0–255 is mapped to studio-range luma (16–235) because players, Chromium
 * included, decode C420 as limited-range BT.601; chroma is neutral (128).
 */
export function encodeY4m(frames: readonly GreyImage[], fps: number): Uint8Array {
  const first = frames[0];
  if (!first) throw new Error('a clip needs at least one frame');
  const { width, height } = first;
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const header = encoder.encode(`YUV4MPEG2 W${width} H${height} F${Math.round(fps)}:1 Ip A1:1 C420\n`);
  const frameHeader = encoder.encode('FRAME\n');
  const frameBytes = frameHeader.length + width * height + 2 * cw * ch;
  const out = new Uint8Array(header.length + frames.length * frameBytes);
  out.set(header, 0);
  let o = header.length;
  for (const frame of frames) {
    if (frame.width !== width || frame.height !== height)
      throw new Error('all frames of a clip must have one size');
    out.set(frameHeader, o);
    o += frameHeader.length;
    for (let k = 0; k < width * height; k++) out[o + k] = 16 + Math.round((frame.data[k]! * 219) / 255);
    o += width * height;
    out.fill(128, o, o + 2 * cw * ch);
    o += 2 * cw * ch;
  }
  return out;
}

/** Parses a 4:2:0 .y4m; throws on anything malformed (wrong magic, missing FRAME markers, truncated data). */
export function parseY4m(bytes: Uint8Array): Y4mClip {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) throw new Error('no header line');
  const header = new TextDecoder().decode(bytes.subarray(0, newline)).split(' ');
  if (header[0] !== 'YUV4MPEG2') throw new Error('not a YUV4MPEG2 stream');
  let width = 0;
  let height = 0;
  let fps = 0;
  let colour = '420jpeg';
  for (const field of header.slice(1)) {
    const tag = field[0];
    const value = field.slice(1);
    if (tag === 'W') width = Number(value);
    else if (tag === 'H') height = Number(value);
    else if (tag === 'F') {
      const [num, den] = value.split(':').map(Number);
      fps = (num ?? 0) / (den || 1);
    } else if (tag === 'C') colour = value;
  }
  if (!(width > 0 && height > 0 && fps > 0)) throw new Error('header lacks W, H or F');
  if (!colour.startsWith('420')) throw new Error(`unsupported colour space C${colour}`);
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const frames: Uint8Array[] = [];
  let o = newline + 1;
  while (o < bytes.length) {
    const end = bytes.indexOf(0x0a, o);
    if (end < 0) throw new Error('truncated frame header');
    const tag = new TextDecoder().decode(bytes.subarray(o, Math.min(end, o + 5)));
    if (tag !== 'FRAME') throw new Error(`expected FRAME at byte ${o}`);
    o = end + 1;
    const size = width * height + 2 * cw * ch;
    if (o + size > bytes.length) throw new Error('truncated frame data');
    frames.push(bytes.slice(o, o + width * height));
    o += size;
  }
  return { width, height, fps, frames };
}
