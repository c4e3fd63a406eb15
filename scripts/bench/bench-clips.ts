// `npm run bench:clips`: clip scoring in the CLI on a 3 s, 30 frames/s phantom MP4: time to one clip's read-out, and frames/s over several clips.
// Prints JSON and asserts nothing. The clip is made here (phantom cine → Y4M → ffmpeg H.264) under tests/.generated.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATOR_VERSION, encodeY4m, generateCine } from '../../src/synth';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    clips: { type: 'string', default: '8' },
    model: { type: 'string' },
  },
});
const repo = join(import.meta.dirname, '..', '..');
const root = join(repo, 'tests', '.generated', 'bench-clips');
// The fixture model by default: the figure is the CLI's clip path (decode, gate, batching), not a network's size.
const model = values.model ?? join(repo, 'public', 'models', 'fixture-tiny');
const ffmpeg = process.env.LUS_SIGNS_FFMPEG || 'ffmpeg';
const SECONDS = 3;
const FPS = 30;

function writeClip(): string {
  mkdirSync(root, { recursive: true });
  const mp4 = join(root, `phantom-3s-30fps-g${GENERATOR_VERSION}.mp4`);
  if (existsSync(mp4)) return mp4;
  const cine = generateCine({
    classId: 'b_lines',
    width: 640,
    height: 480,
    seed: 3030,
    seconds: SECONDS,
    fps: FPS,
    overlays: false,
  });
  const y4m = `${mp4}.y4m`;
  writeFileSync(y4m, encodeY4m(cine.frames, FPS));
  const r = spawnSync(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    y4m,
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    mp4,
  ]);
  unlinkSync(y4m);
  if (r.status !== 0)
    throw new Error(`ffmpeg could not write the clip (${r.error?.message ?? r.stderr.toString()})`);
  return mp4;
}

function folderOf(name: string, clip: string, copies: number): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'b_lines'), { recursive: true });
  for (let i = 0; i < copies; i++) copyFileSync(clip, join(dir, 'b_lines', `clip-${i}.mp4`));
  return dir;
}

function score(folder: string, workers: string) {
  const out = join(root, 'out.csv');
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      join(repo, 'cli', 'lus-signs.mjs'),
      'score',
      folder,
      '--model',
      model,
      '--workers',
      workers,
      '--out',
      out,
    ],
    { encoding: 'utf8', cwd: repo },
  );
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`lus-signs score failed: ${r.stderr}`);
  const summary = /in ([\d.]+) s \(([\d.]+) frames\/s\)/.exec(r.stdout);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const clipRows = lines.slice(1).map((l) => l.split(','));
  const ms = clipRows.map((c) => Number(c[header.indexOf('ms')]));
  return {
    wall_s: Number(wallS.toFixed(2)),
    scoring_s: summary ? Number(summary[1]) : null,
    frames_per_s: summary ? Number(summary[2]) : null,
    frames_sampled: Number(clipRows[0]?.[header.indexOf('frames_sampled')]),
    frames_in_clip: Number(clipRows[0]?.[header.indexOf('frames_in_clip')]),
    // Read (both ffmpeg passes) + every sampled frame through the worker + the read-out, per clip.
    clip_readout_ms: Number((ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length)).toFixed(1)),
  };
}

const clip = writeClip();
const copies = Math.max(1, Number(values.clips));
const one = score(folderOf('one', clip, 1), '1');
const many = score(folderOf('many', clip, copies), values.workers!);
console.log(
  JSON.stringify(
    {
      clip: { seconds: SECONDS, fps: FPS, size: '640x480', codec: 'H.264 (ffmpeg libx264)' },
      model,
      one_clip_one_worker: one,
      [`${copies}_clips_${values.workers}_workers`]: many,
      note: 'wall_s includes process start and model load; clip_readout_ms is one clip from its bytes to its read-out',
    },
    null,
    2,
  ),
);
