// The container frame rate of MP4 files: ffmpeg-encoded phantom cine at known rates, and bytes that are no MP4.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mp4FrameRate } from './mp4FrameRate';

const dir = mkdtempSync(join(tmpdir(), 'mp4-rate-'));

/** A 1 s test pattern encoded by Debian's ffmpeg at the given rate (H.264 in MP4 or MOV). */
function encoded(rate: string, ext: 'mp4' | 'mov'): ArrayBuffer {
  const out = join(dir, `pattern-${rate.replace('/', '_')}.${ext}`);
  execFileSync('/usr/bin/ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
    ...['-i', `testsrc=size=64x48:rate=${rate}:duration=1`, '-pix_fmt', 'yuv420p', out],
  ]);
  const bytes = readFileSync(out);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

describe('mp4FrameRate', () => {
  it('reads the rate the container states, at common and odd rates', () => {
    expect(mp4FrameRate(encoded('15', 'mp4'))).toBe(15);
    expect(mp4FrameRate(encoded('25', 'mov'))).toBe(25);
    expect(mp4FrameRate(encoded('30000/1001', 'mp4'))).toBe(29.97);
  });

  it('says nothing for bytes that are not an MP4 with a video track', () => {
    expect(mp4FrameRate(new TextEncoder().encode('not a video at all').buffer as ArrayBuffer)).toBeNull();
    expect(mp4FrameRate(new ArrayBuffer(0))).toBeNull();
  });
});
