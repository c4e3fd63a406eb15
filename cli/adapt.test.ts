// `lus-signs adapt` end to end with the fixture model: before/after printed, an adapted folder that `score` and the app's loader accept, refusals.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASS_IDS, detectUltrasoundRegion, metadataFromModelJson, type ClassId } from '../src/core';
import { encodeGreyPng } from '../node';
import { generatePhantom } from '../src/synth';
import { readBatchCsv } from '../tests/helpers/batchCsv';
import { clipOfFile } from './adapt';

const repo = join(import.meta.dirname, '..');
const launcher = join(repo, 'cli', 'lus-signs.mjs');
const fixtureDir = join(repo, 'public', 'models', 'fixture-tiny');
const work = join(repo, 'tests', '.generated', 'cli-adapt');
const site = join(work, 'site');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [launcher, ...args], {
    encoding: 'utf8',
    cwd: repo,
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A "site": per sign 6 clips of 3 frames each, named <clip>_f<N>.png as scanners' exports often are. */
function writeSite(): Array<{ path: string; label: ClassId }> {
  const frames: Array<{ path: string; label: ClassId }> = [];
  let seed = 500;
  for (const label of CLASS_IDS)
    for (let clip = 1; clip <= 6; clip++)
      for (let f = 0; f < 3; f++)
        frames.push({ path: `${label}/${label}-clip${clip}_f${String(f).padStart(4, '0')}.png`, label });
  if (existsSync(`${site}.complete`)) return frames;
  rmSync(site, { recursive: true, force: true });
  for (const frame of frames) {
    let p = generatePhantom({ classId: frame.label, width: 192, height: 160, seed: seed++, overlays: false });
    while (!detectUltrasoundRegion(p.image).found)
      p = generatePhantom({ classId: frame.label, width: 192, height: 160, seed: seed++, overlays: false });
    mkdirSync(join(site, frame.label), { recursive: true });
    writeFileSync(join(site, frame.path), encodeGreyPng(p.image));
  }
  writeFileSync(`${site}.complete`, '');
  return frames;
}

let run: ReturnType<typeof cli>;
const out = join(work, 'adapted');

beforeAll(() => {
  writeSite();
  rmSync(out, { recursive: true, force: true });
  run = cli(['adapt', site, '--model', fixtureDir, '--out', out, '--site', 'Ward 7', '--force']);
}, 300_000);

describe('lus-signs adapt', () => {
  it('names a clip from its frame file names', () => {
    expect(clipOfFile('b_lines/exam 2/Cov_vid14_f0039.jpg')).toBe('b_lines/exam 2/Cov_vid14');
    expect(clipOfFile('a_lines/still.png')).toBe('a_lines/still');
  });

  it('prints cases per sign and Table 1 before and after on held-out clips, and writes the adapted folder', () => {
    expect(run.code, run.stderr).toBe(0);
    // The fixture model's gate refuses a couple of phantoms: read + refused covers all 72 frames.
    const read =
      /(\d+) labelled frames read \((\d+) refused by the input gate, 0 unreadable, 0 unlabelled left out\)/.exec(
        run.stderr,
      );
    expect(read, run.stderr).not.toBeNull();
    expect(Number(read![1]) + Number(read![2])).toBe(72);
    expect(run.stdout).toMatch(/A-lines\s+18 \(6\)\s+learned/);
    expect(run.stdout).toMatch(
      /Held-out folds \(5\), shipped head:\nTable 1: fixture-tiny@1\.0\.0; 24 of 24 cases scored/,
    );
    expect(run.stdout).toMatch(
      /Held-out folds \(5\), site head:\nTable 1: fixture-tiny@1\.0\.0 \+ site head; 24 of 24 cases scored/,
    );
    expect(run.stdout).toMatch(/Accuracy [\d.]+ % → [\d.]+ %; kappa/);
    expect(run.stdout).toMatch(/wrote .*adapted: fixture-tiny 1\.0\.0\+site1/);
    for (const f of ['model.json', 'site-head.json', 'site-head.bin'])
      expect(existsSync(join(out, f))).toBe(true);
    const checked = metadataFromModelJson(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')));
    if (!checked.ok) throw new Error(checked.message);
    expect(checked.metadata.version).toBe('1.0.0+site1');
    expect(checked.metadata.displayName).toMatch(/site head 1 \(Ward 7\)/);
    const head = JSON.parse(readFileSync(join(out, 'site-head.json'), 'utf8')) as {
      base: { id: string };
      summary: { cases: number };
    };
    expect(head.base.id).toBe('fixture-tiny');
    expect(head.summary.cases).toBe(24);
  });

  it('the adapted folder scores with `score --model` under its own version, and fits the site better than the base', () => {
    const base = cli(['score', site, '--model', fixtureDir, '--out', join(work, 'base.csv')]);
    const adapted = cli(['score', site, '--model', out, '--out', join(work, 'adapted.csv')]);
    expect(base.code, base.stderr).toBe(0);
    expect(adapted.code, adapted.stderr).toBe(0);
    const rows = readBatchCsv(readFileSync(join(work, 'adapted.csv'), 'utf8'));
    expect(rows.every((r) => r.model_version === '1.0.0+site1')).toBe(true);
    const agree = (file: string) =>
      readBatchCsv(readFileSync(join(work, file), 'utf8')).filter((r) => r.agree === 'yes').length;
    // Fitted on these very frames: reading them at least as well as the base is the least it must do.
    expect(agree('adapted.csv')).toBeGreaterThanOrEqual(agree('base.csv'));
  }, 300_000);

  it('refuses what it cannot do, each with its reason', () => {
    const again = cli(['adapt', site, '--model', fixtureDir, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists and is not an empty folder/);
    const adaptedBase = cli(['adapt', site, '--model', out, '--out', join(work, 'twice')]);
    expect(adaptedBase.code).toBe(1);
    expect(adaptedBase.stderr).toMatch(/already an adapted model: adapt its base model instead/);
    const noOut = cli(['adapt', site]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/needs --out DIR/);
    mkdirSync(join(work, 'unlabelled'), { recursive: true });
    writeFileSync(
      join(work, 'unlabelled', 'x.png'),
      readFileSync(join(site, 'a_lines', 'a_lines-clip1_f0000.png')),
    );
    const none = cli(['adapt', join(work, 'unlabelled'), '--model', fixtureDir, '--out', join(work, 'none')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no labelled frames/);
  }, 300_000);
});
