// `lus-signs score` end to end: CSV rows, the same answers as the app's classifier in-process, metrics, exit codes, shards.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASS_IDS, batchMetrics, formatKappa, formatPercent, type BatchRow } from '../src/core';
import { FrameClassifier } from '../src/inference/classifier';
import { decodeImageBuffer, useWasmBackendInNode } from '../node';
import { readBatchCsv as readCsv } from '../tests/helpers/batchCsv';
import { BAD_FILES, SKIPPED_FILES, writeBatchFolder, type BatchFolder } from '../tests/helpers/batchFolder';

const repo = join(import.meta.dirname, '..');
const launcher = join(repo, 'cli', 'lus-signs.mjs');
const fixtureDir = join(repo, 'public', 'models', 'fixture-tiny');
const outDir = join(repo, 'tests', '.generated', 'cli');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [launcher, ...args], {
    encoding: 'utf8',
    cwd: repo,
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let folder: BatchFolder;
let full: ReturnType<typeof cli>;
let rows: Array<Record<string, string>>;

beforeAll(() => {
  folder = writeBatchFolder();
  mkdirSync(outDir, { recursive: true });
  full = cli(['score', folder.root, '--model', fixtureDir, '--out', join(outDir, 'all.csv')]);
  rows = readCsv(readFileSync(join(outDir, 'all.csv'), 'utf8'));
}, 240_000);

describe('lus-signs score', () => {
  it('writes one CSV row per file: 40 scored with labels from the folders, bad files with their reasons', () => {
    expect(full.code, full.stderr).toBe(0);
    expect(rows).toHaveLength(40 + Object.keys(BAD_FILES).length + Object.keys(SKIPPED_FILES).length);
    const byPath = new Map(rows.map((r) => [r.path!, r]));
    for (const f of folder.frames) {
      const r = byPath.get(f.path)!;
      expect(r.status).toBe('scored');
      expect(r.label).toBe(f.label);
      const sum = CLASS_IDS.reduce((s, id) => s + Number(r[`p_${id}`]), 0);
      expect(sum).toBeCloseTo(1, 4);
      expect(r.agree).toBe(r.predicted_sign === f.label ? 'yes' : 'no');
      expect(r).toMatchObject({ model_id: 'fixture-tiny', model_version: '1.0.0', backend: 'wasm' });
    }
    for (const [path, reason] of Object.entries(BAD_FILES)) {
      expect(byPath.get(path)?.status).toBe('unreadable');
      expect(byPath.get(path)?.reason).toMatch(reason);
    }
    for (const [path, reason] of Object.entries(SKIPPED_FILES)) {
      expect(byPath.get(path)?.status).toBe('skipped');
      expect(byPath.get(path)?.reason).toMatch(reason);
    }
    expect(full.stderr).toMatch(/scored 43\/43 \([\d.]+ frames\/s, ETA \d+ s\)/);
  });

  it('gives the answers of the app classifier run in-process on the same decoded frames', async () => {
    await useWasmBackendInNode();
    const classifier = new FrameClassifier();
    const bin = readFileSync(join(fixtureDir, 'group1-shard1of1.bin'));
    await classifier.load(
      {
        kind: 'files',
        label: 'fixture',
        modelJson: readFileSync(join(fixtureDir, 'model.json'), 'utf8'),
        shards: { 'group1-shard1of1.bin': bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) },
      },
      'wasm',
    );
    const byPath = new Map(rows.map((r) => [r.path!, r]));
    for (const f of folder.frames.slice(0, 12)) {
      const decoded = await decodeImageBuffer(readFileSync(join(folder.root, f.path)), f.path);
      const [o] = await classifier.classify([{ pixels: decoded.image, name: f.path }]);
      if (!o?.ok) throw new Error(`expected a result for ${f.path}`);
      const r = byPath.get(f.path)!;
      expect(r.predicted_sign).toBe(o.result.top);
      for (const id of CLASS_IDS)
        expect(Math.abs(Number(r[`p_${id}`]) - o.result.probabilities[id])).toBeLessThan(2e-6);
    }
    classifier.dispose();
  });

  it('prints Table 1 and the confusion matrix computed from the CSV rows', () => {
    const batchRows: BatchRow[] = rows
      .filter((r) => r.status === 'scored')
      .map((r) => ({
        path: r.path!,
        size: 0,
        lastModified: 0,
        label: r.label as BatchRow['label'],
        status: 'scored',
        ms: 0,
        score: {
          probabilities: Object.fromEntries(CLASS_IDS.map((id) => [id, Number(r[`p_${id}`])])) as Record<
            (typeof CLASS_IDS)[number],
            number
          >,
          top: r.predicted_sign as (typeof CLASS_IDS)[number],
          lowConfidence: false,
          backend: 'wasm',
          modelId: 'fixture-tiny',
          modelVersion: '1.0.0',
          crop: { x: 0, y: 0, width: 1, height: 1 },
          frameWidth: 1,
          frameHeight: 1,
        },
      }));
    const report = batchMetrics(batchRows)!;
    expect(full.stdout).toMatch(/^40 scored, 0 refused, 3 unreadable, 1 skipped in /m);
    expect(full.stdout).toMatch(/Table 1: fixture-tiny@1\.0\.0; 40 of 40 frames scored/);
    const total = full.stdout.split('\n').find((l) => l.startsWith('Total '))!;
    expect(total).toContain(formatPercent(report.total.accuracy));
    expect(total).toContain(formatKappa(report.total.kappa));
    const matrixAt = full.stdout.split('\n').findIndex((l) => l.startsWith('label \\ model'));
    const printed = full.stdout
      .split('\n')
      .slice(matrixAt + 1, matrixAt + 5)
      .map((l) => l.trim().split(/\s+/).slice(1).map(Number));
    expect(printed).toEqual(report.matrix);
  });

  it('splits the folder into shards that together cover it exactly once', () => {
    const seen: string[] = [];
    for (const i of [1, 2, 3]) {
      const out = join(outDir, `shard-${i}.csv`);
      const r = cli([
        'score',
        folder.root,
        '--model',
        fixtureDir,
        '--shard',
        `${i}/3`,
        '--workers',
        '1',
        '--out',
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
      seen.push(...readCsv(readFileSync(out, 'utf8')).map((row) => row.path!));
    }
    expect(seen.sort()).toEqual(rows.map((r) => r.path!).sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('fails with a clear message and a non-zero status', () => {
    const missing = cli(['score', join(outDir, 'no-such-folder')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/folder .*no-such-folder does not exist/);

    const badModel = join(outDir, 'broken-model');
    mkdirSync(badModel, { recursive: true });
    writeFileSync(join(badModel, 'model.json'), '{"format": "layers-model"}');
    const bad = cli(['score', folder.root, '--model', badModel]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/the model cannot be used: .*not a TF\.js graph model/);

    const noModel = cli(['score', folder.root, '--model', join(outDir, 'nowhere')]);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/cannot read model\.json/);

    expect(cli(['score', folder.root, '--shard', '4/3']).code).toBe(2);
    expect(cli(['score']).code).toBe(2);
    expect(cli(['frobnicate']).stderr).toMatch(/unknown command "frobnicate"/);
  });
});
