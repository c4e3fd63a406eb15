// Clip fixtures written by the tests: phantom cine encoded to MP4 and WebM with ffmpeg, multi-frame DICOM with patient tags (dcmjs), and broken clips.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RgbaImage } from '../../src/core';
import { GENERATOR_VERSION, encodeY4m, generateCine, generateNegativeFrame } from '../../src/synth';
import { writeUltrasoundDicom } from './dicomFiles';
import { GENERATED } from './fixtures';

export const CLIPS = join(GENERATED, 'clips');
const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
const FPS = 15;

export interface ClipFixtures {
  /** 2 s at 15 frames/s: 30 frames, every one read. */
  mp4: string;
  /** 6 s at 15 frames/s: 90 frames, read at 64 evenly spaced ones. */
  webm: string;
  /** Sound only: no video track to decode. */
  audioOnly: string;
  /** 12 frames, RLE lossless, MONOCHROME2, 40 ms a frame, a region of 2D tissue. */
  dicomRle: string;
  /** 10 frames, JPEG baseline, YBR_FULL_422, decoded by the browser. */
  dicomJpeg: string;
  /** One frame, explicit VR little endian. */
  dicomSingle: string;
  /** The RLE file cut at 60%. */
  dicomTruncated: string;
  /** Six frames of random noise (RGB, explicit VR): every one refused by the input gate. */
  dicomNoise: string;
}

function rgba(grey: { width: number; height: number; data: Uint8ClampedArray }): RgbaImage {
  const data = new Uint8ClampedArray(grey.width * grey.height * 4);
  for (let i = 0; i < grey.data.length; i++)
    data.set([grey.data[i]!, grey.data[i]!, grey.data[i]!, 255], i * 4);
  return { width: grey.width, height: grey.height, data };
}

/** Runs Debian's ffmpeg quietly, overwriting its output (the clip fixtures of every spec use it). */
export const ffmpeg = (args: string[]) =>
  execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

/** Writes the clip fixtures once per generator version (they take a few seconds to make). */
export async function writeClipFixtures(): Promise<ClipFixtures> {
  mkdirSync(CLIPS, { recursive: true });
  const at = (name: string) => join(CLIPS, `${name}-g${GENERATOR_VERSION}`);
  const out: ClipFixtures = {
    mp4: `${at('cine-2s')}.mp4`,
    webm: `${at('cine-6s')}.webm`,
    audioOnly: `${at('audio-only')}.mp4`,
    dicomRle: `${at('cine-rle')}.dcm`,
    dicomJpeg: `${at('cine-jpeg')}.dcm`,
    dicomSingle: `${at('still')}.dcm`,
    dicomTruncated: `${at('cine-truncated')}.dcm`,
    dicomNoise: `${at('noise')}.dcm`,
  };
  if (Object.values(out).every((p) => existsSync(p))) return out;
  const clip = generateCine({
    classId: 'b_lines',
    width: 320,
    height: 240,
    seed: 2207,
    seconds: 6,
    fps: FPS,
    overlays: false,
  });
  const y4m = `${at('cine-6s')}.y4m`;
  writeFileSync(y4m, encodeY4m(clip.frames, FPS));
  ffmpeg(['-i', y4m, '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-r', String(FPS), out.mp4]);
  ffmpeg(['-i', y4m, '-c:v', 'libvpx', '-b:v', '1M', '-pix_fmt', 'yuv420p', '-r', String(FPS), out.webm]);
  unlinkSync(y4m);
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', out.audioOnly]);
  const frames = clip.frames.map(rgba);
  const region = { x0: 0, y0: 0, x1: 319, y1: 239 };
  const rle = await writeUltrasoundDicom({
    frames: frames.slice(0, 12),
    syntax: 'rle',
    frameTimeMs: 40,
    region,
  });
  writeFileSync(out.dicomRle, rle);
  writeFileSync(out.dicomTruncated, rle.subarray(0, Math.floor(rle.length * 0.6)));
  writeFileSync(
    out.dicomJpeg,
    await writeUltrasoundDicom({
      frames: frames.slice(12, 22),
      syntax: 'jpeg-baseline',
      photometric: 'YBR_FULL_422',
      frameTimeMs: 66.6667,
    }),
  );
  writeFileSync(out.dicomSingle, await writeUltrasoundDicom({ frames: [frames[30]!], syntax: 'explicit' }));
  const noise = Array.from({ length: 6 }, (_, i) => generateNegativeFrame('noise', 320, 240, 500 + i));
  writeFileSync(
    out.dicomNoise,
    await writeUltrasoundDicom({ frames: noise, syntax: 'explicit', photometric: 'RGB' }),
  );
  return out;
}
