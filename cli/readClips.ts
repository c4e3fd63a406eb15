// Reads a clip file for `lus-signs score`: DICOM through the app's own parser (src/core/dicom), video through ffmpeg; sampled frames out, or why not.
import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import sharp from 'sharp';
import {
  DicomProblem,
  MAX_CLIP_FRAMES,
  dicomClip,
  readDicom,
  sampleFrameIndices,
  samplingFor,
  type Clip,
  type EncodedImageDecoder,
  type Rect,
  type RgbaImage,
} from '../src/core/index.ts';
import { MAX_CLIP_SIDE } from '../src/sources/clipBrowser.ts';
import { CLIP_SNIFF_BYTES, clipKindOf, type ClipKind } from '../src/sources/clipKind.ts';

/** The ffmpeg the command line runs: LUS_SIGNS_FFMPEG when set (tests point it at a missing binary), else PATH's. */
export function ffmpegCommand(): string {
  return process.env.LUS_SIGNS_FFMPEG || 'ffmpeg';
}

/** Said once, so every video in a run without ffmpeg gets the same instruction. */
export const NO_FFMPEG =
  'ffmpeg is not installed, so videos cannot be read: install the Debian package with `sudo apt-get install ffmpeg` (or set LUS_SIGNS_FFMPEG to its path)';

export type ReadClipFile =
  | { path: string; ok: true; kind: ClipKind; clip: Clip<RgbaImage>; scanRegion: Rect | null; ms: number }
  | { path: string; ok: false; kind: ClipKind; code: string; reason: string; ms: number };

/** A file's clip kind from its first bytes and name, or null for a still frame or anything else. */
export async function clipKindOfPath(file: string, name: string): Promise<ClipKind | null> {
  let head = new Uint8Array(0);
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(CLIP_SNIFF_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CLIP_SNIFF_BYTES, 0);
      head = new Uint8Array(buffer.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    // Unreadable here: the name alone decides, and reading the file later names the problem.
  }
  return clipKindOf(head, { name });
}

/** sharp decodes JPEG baseline DICOM frames in Node, as the browser's image decoder does in the app. */
const decodeJpegWithSharp: EncodedImageDecoder = async (bytes) => {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
  };
};

export async function readClipFile(
  file: string,
  path: string,
  kind: ClipKind,
  limit = MAX_CLIP_FRAMES,
): Promise<ReadClipFile> {
  const t0 = performance.now();
  const fail = (code: string, reason: string): ReadClipFile => ({
    path,
    ok: false,
    kind,
    code,
    reason,
    ms: performance.now() - t0,
  });
  try {
    if (kind === 'dicom') {
      const bytes = new Uint8Array(await readFile(file));
      if (bytes.length === 0) return fail('empty-file', `${path} is empty (0 bytes).`);
      const cine = readDicom(bytes, { name: path, decodeImage: decodeJpegWithSharp });
      const clip = await dicomClip(cine, path, limit);
      return { path, ok: true, kind, clip, scanRegion: cine.scanRegion, ms: performance.now() - t0 };
    }
    const clip = await readVideo(file, path, limit);
    return { path, ok: true, kind, clip, scanRegion: null, ms: performance.now() - t0 };
  } catch (error) {
    // The same codes the app's clip reader gives (src/sources/clipBrowser.ts), with the parser's own words.
    if (error instanceof DicomProblem)
      return fail(
        error.code === 'truncated' || error.code === 'damaged-frame' ? 'corrupt-image' : 'unsupported-format',
        error.message,
      );
    if (error instanceof VideoProblem) return fail(error.code, error.message);
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT')
      return fail(
        'vanished',
        `${path} disappeared before it could be read (moved or deleted during the run).`,
      );
    if (e.code === 'ERR_FS_FILE_TOO_LARGE')
      return fail(
        'unreadable',
        `${path} is too large to read as one DICOM file (over 2 GB): export the clip as MP4.`,
      );
    if (e.code === 'EACCES' || e.code === 'EPERM')
      return fail('unreadable', `${path} cannot be read: permission denied.`);
    return fail('corrupt-image', `${path} could not be read as a clip (${e.message}).`);
  }
}

class VideoProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Runs ffmpeg; stdout as bytes, stderr as text. A missing binary is a VideoProblem naming the Debian package. */
function runFfmpeg(args: string[]): Promise<{ status: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegCommand(), ['-hide_banner', '-nostdin', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT' || error.code === 'EACCES' ? new VideoProblem('no-ffmpeg', NO_FFMPEG) : error,
      ),
    );
    child.on('close', (status) =>
      resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/** What ffmpeg says about the first video stream: its size, its frame rate and how many frames it holds. */
interface VideoInfo {
  width: number;
  height: number;
  fps: number | null;
  frames: number;
  durationS: number;
}

function formatOf(path: string): string {
  if (/\.webm$/i.test(path)) return 'WebM video';
  if (/\.mov$/i.test(path)) return 'QuickTime (MOV) video';
  if (/\.(mp4|m4v)$/i.test(path)) return 'MP4 video';
  return 'video';
}

/** Counts frames by copying the stream to nowhere (no decoding), and reads size and rate from the stream line. */
async function probeVideo(file: string, path: string): Promise<VideoInfo> {
  const r = await runFfmpeg(['-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-']);
  const stream = /Stream #\d+:\d+[^\n]*: Video: ([^\n]*)/.exec(r.stderr);
  if (!stream) {
    const why = /Invalid data found|moov atom not found|EBML header parsing failed/i.test(r.stderr)
      ? 'the file is damaged or not a video'
      : /Stream #\d+:\d+[^\n]*: Audio:/.test(r.stderr)
        ? 'it holds sound only'
        : 'ffmpeg finds no video stream in it';
    throw new VideoProblem(
      'unsupported-format',
      `${path} has no video to decode (${why}). Export the clip as MP4 (H.264) or WebM.`,
    );
  }
  const size = /\b(\d{2,5})x(\d{2,5})\b/.exec(stream[1]!);
  if (!size)
    throw new VideoProblem('unsupported-format', `${path}: ffmpeg does not say the video's frame size.`);
  const fpsMatch = /([\d.]+) fps/.exec(stream[1]!) ?? /([\d.]+) tbr/.exec(stream[1]!);
  const fps = fpsMatch ? Number(fpsMatch[1]) : null;
  const counted = [...r.stderr.matchAll(/frame=\s*(\d+)/g)].pop();
  const d = /Duration: (\d+):(\d+):([\d.]+)/.exec(r.stderr);
  const durationS = d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : 0;
  const frames = counted ? Number(counted[1]) : Math.round(durationS * (fps ?? 30));
  if (!frames) throw new VideoProblem('unsupported-format', `${path} has no video frames to decode.`);
  return { width: Number(size[1]), height: Number(size[2]), fps, frames, durationS };
}

/**
 * Decodes only the sampled frames (core/clip's rule: every frame up to the limit, evenly spaced beyond),
 * scaled as the app scales clip frames, to raw RGBA on ffmpeg's stdout.
 */
async function readVideo(file: string, path: string, limit: number): Promise<Clip<RgbaImage>> {
  const info = await probeVideo(file, path);
  const indices = sampleFrameIndices(info.frames, limit);
  const scale = Math.min(1, MAX_CLIP_SIDE / Math.max(info.width, info.height));
  const width = Math.max(2, Math.round((info.width * scale) / 2) * 2);
  const height = Math.max(2, Math.round((info.height * scale) / 2) * 2);
  const select = indices.map((i) => `eq(n\\,${i})`).join('+');
  const r = await runFfmpeg([
    '-i',
    file,
    '-map',
    '0:v:0',
    '-vf',
    `select='${select}',scale=${width}:${height}`,
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    'pipe:1',
  ]);
  const frameBytes = width * height * 4;
  const got = Math.floor(r.stdout.length / frameBytes);
  if (got === 0)
    throw new VideoProblem(
      'corrupt-image',
      `${path} could not be decoded by ffmpeg (${lastLine(r.stderr) || `exit status ${r.status}`}).`,
    );
  const fps = info.fps ?? 30;
  // A damaged tail can give fewer frames than counted: the frames decoded are the first sampled ones.
  const frames = indices.slice(0, got).map((index, k) => ({
    index,
    timeMs: (index * 1000) / fps,
    pixels: {
      width,
      height,
      // A copy per frame: a view would drag the whole clip's buffer along when posted to the worker.
      data: new Uint8ClampedArray(r.stdout.subarray(k * frameBytes, (k + 1) * frameBytes)),
    },
  }));
  return {
    source: { kind: 'video', name: path, format: formatOf(path) },
    frameRate: info.fps,
    durationMs: info.durationS ? info.durationS * 1000 : (info.frames * 1000) / fps,
    sampling: samplingFor(info.frames, limit),
    frames,
  };
}

const lastLine = (text: string) => text.trim().split('\n').pop()?.trim() ?? '';
