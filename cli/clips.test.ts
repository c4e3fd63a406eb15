// `lus-signs score` on clips: an MP4 through ffmpeg, multi-frame DICOM through core/dicom, broken and refused DICOM, --frames rows, clips counted as one case, no patient data out, and no ffmpeg.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRgbaPng } from '../node';
import { sampleFrameIndices } from '../src/core';
import { readBatchCsv as readCsv } from '../tests/helpers/batchCsv';
import { writeClipFixtures } from '../tests/helpers/clipFiles';
import { PATIENT_TAGS, phantomCineFrames, writeUltrasoundDicom } from '../tests/helpers/dicomFiles';

const repo = join(import.meta.dirname, '..');
const launcher = join(repo, 'cli', 'lus-signs.mjs');
const fixtureDir = join(repo, 'public', 'models', 'fixture-tiny');
const outDir = join(repo, 'tests', '.generated', 'cli-clips');
const root = join(outDir, 'folder');

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [launcher, ...args], {
    encoding: 'utf8',
    cwd: repo,
    timeout: 180_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let run: ReturnType<typeof cli>;
let rows: Array<Record<string, string>>;
let csvText: string;

beforeAll(async () => {
  const clips = await writeClipFixtures();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(root, 'b_lines'), { recursive: true });
  copyFileSync(clips.mp4, join(root, 'b_lines', 'cine.mp4'));
  copyFileSync(clips.webm, join(root, 'b_lines', 'long.webm'));
  copyFileSync(clips.audioOnly, join(root, 'b_lines', 'sound.mp4'));
  copyFileSync(clips.dicomRle, join(root, 'b_lines', 'cine-rle.dcm'));
  // A scanner export with no extension: the DICM marker at byte 128 makes it a clip.
  copyFileSync(clips.dicomJpeg, join(root, 'b_lines', 'IM0001'));
  copyFileSync(clips.dicomTruncated, join(root, 'b_lines', 'truncated.dcm'));
  const frames = phantomCineFrames({ frames: 3 });
  writeFileSync(
    join(root, 'b_lines', 'j2k.dcm'),
    await writeUltrasoundDicom({ frames, syntax: 'explicit', syntaxUid: '1.2.840.10008.1.2.4.90' }),
  );
  const still = frames[0]!;
  writeFileSync(
    join(root, 'b_lines', 'still.png'),
    encodeRgbaPng(still.width, still.height, new Uint8Array(still.data.buffer)),
  );
  run = cli(['score', root, '--model', fixtureDir, '--frames', '--out', join(outDir, 'clips.csv')]);
  csvText = readFileSync(join(outDir, 'clips.csv'), 'utf8');
  rows = readCsv(csvText);
}, 240_000);

const clipRow = (path: string) => rows.find((r) => r.path === path && r.kind === 'clip')!;

describe('lus-signs score on clips', () => {
  it('writes one clip row per video or DICOM with its read-out and frame counts', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/1 frames and 7 clips to score/);
    for (const [path, frames] of [
      ['b_lines/cine.mp4', 30],
      ['b_lines/cine-rle.dcm', 12],
      ['b_lines/IM0001', 10],
    ] as const) {
      const r = clipRow(path);
      expect(r, path).toBeDefined();
      expect(['scored', 'refused']).toContain(r.status);
      expect(r.label).toBe('b_lines');
      expect(Number(r.frames_in_clip)).toBe(frames);
      expect(Number(r.frames_sampled)).toBe(frames);
      expect(Number(r.frames_read) + Number(r.frames_refused) + Number(r.frames_unreadable)).toBe(frames);
      expect(['yes', 'no']).toContain(r.disagree);
      if (r.status === 'scored') {
        const sum = ['a_lines', 'b_lines', 'pleural_effusion', 'consolidation'].reduce(
          (s, id) => s + Number(r[`p_${id}`]),
          0,
        );
        expect(sum).toBeCloseTo(1, 4);
        expect(r.predicted_sign).not.toBe('');
      }
    }
    // 6 s at 15 frames/s: read at 64 evenly spaced frames, core/clip's rule.
    const long = clipRow('b_lines/long.webm');
    expect(long).toMatchObject({ frames_in_clip: '90', frames_sampled: '64' });
    const longFrames = rows.filter((r) => r.path === 'b_lines/long.webm' && r.kind === 'clip-frame');
    expect(longFrames.map((r) => Number(r.frame_index))).toEqual(sampleFrameIndices(90));
    expect(rows.find((r) => r.path === 'b_lines/still.png')).toMatchObject({
      kind: 'frame',
      frames_read: '',
    });
  });

  it('with --frames adds one row per sampled frame with its index and time, under its clip', () => {
    const frameRows = rows.filter((r) => r.path === 'b_lines/cine-rle.dcm' && r.kind === 'clip-frame');
    expect(frameRows.map((r) => Number(r.frame_index))).toEqual([...Array(12).keys()]);
    // 40 ms a frame in the DICOM header.
    expect(frameRows.map((r) => Number(r.frame_time_ms))).toEqual([...Array(12).keys()].map((i) => i * 40));
    expect(rows.filter((r) => r.path === 'b_lines/cine.mp4' && r.kind === 'clip-frame')).toHaveLength(30);
    const at = rows.findIndex((r) => r.path === 'b_lines/cine-rle.dcm');
    expect(rows[at]!.kind).toBe('clip');
  });

  it('refuses a truncated and an unsupported-syntax DICOM with the parser’s own messages, and a video with no picture', () => {
    expect(clipRow('b_lines/sound.mp4')).toMatchObject({ status: 'unreadable' });
    expect(clipRow('b_lines/sound.mp4').reason).toMatch(/has no video to decode \(it holds sound only\)/);
    expect(clipRow('b_lines/truncated.dcm')).toMatchObject({ status: 'unreadable' });
    expect(clipRow('b_lines/truncated.dcm').reason).toMatch(/truncated or damaged/);
    expect(clipRow('b_lines/j2k.dcm')).toMatchObject({ status: 'unreadable' });
    expect(clipRow('b_lines/j2k.dcm').reason).toContain(
      'JPEG 2000 DICOM is not supported yet: export as JPEG baseline or MP4.',
    );
  });

  it('counts a clip as one case in the summary and Table 1, never its frames', () => {
    expect(run.stdout).toMatch(/^\d+ scored, \d+ refused, 3 unreadable, 0 skipped \(7 clips, 4 read\) in /m);
    const [, scored, refused] = /^(\d+) scored, (\d+) refused/m.exec(run.stdout)!;
    expect(Number(scored) + Number(refused)).toBe(5);
    expect(run.stdout).toMatch(/Table 1: fixture-tiny@1\.0\.0; \d+ of 5 cases scored/);
  });

  it('writes no patient tag value into the CSV or the report', () => {
    // PatientSex ('F') is one letter: it is in every CSV by chance, so only the identifying values are searched.
    for (const value of Object.values(PATIENT_TAGS).filter((v) => v.length > 2)) {
      expect(csvText).not.toContain(value);
      expect(run.stdout).not.toContain(value);
    }
  });

  it('without ffmpeg names the Debian package for each video and scores the rest', () => {
    const r = cli(['score', join(root, 'b_lines'), '--model', fixtureDir, '--workers', '1'], {
      LUS_SIGNS_FFMPEG: join(outDir, 'no-such-ffmpeg'),
    });
    expect(r.code, r.stderr).toBe(0);
    const byPath = readCsv(r.stdout);
    const video = byPath.find((row) => row.path === 'cine.mp4')!;
    expect(video).toMatchObject({ status: 'unreadable', kind: 'clip' });
    expect(video.reason).toMatch(/ffmpeg is not installed.*apt-get install ffmpeg/);
    expect(byPath.find((row) => row.path === 'cine-rle.dcm' && row.kind === 'clip')!.frames_in_clip).toBe(
      '12',
    );
    expect(byPath.find((row) => row.path === 'still.png')!.kind).toBe('frame');
  });
});
