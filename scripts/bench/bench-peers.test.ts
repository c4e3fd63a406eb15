// npm run bench:peers end to end on a tiny ResNet18: every peer runs, agrees with PyTorch, and the table is well formed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PeerReport } from './peers/report';

const repo = join(import.meta.dirname, '..', '..');
const model = join(repo, '.cache', 'bench-peers-test', 'resnet18-32');

/** Markdown cells of one row (escaped pipes stay in their cell). */
const cells = (line: string) =>
  line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

describe('bench:peers', () => {
  it('runs ours, ONNX Runtime Web and PyTorch on a tiny model and prints JSON and a Markdown table', () => {
    if (!existsSync(join(model, 'tfjs', 'model.json'))) {
      const made = spawnSync(
        '/usr/bin/python3',
        [
          join(repo, 'scripts', 'bench', 'bench_peers_model.py'),
          '--arch',
          'resnet18',
          '--size',
          '32',
          '--out',
          model,
        ],
        { encoding: 'utf8' },
      );
      expect(made.status, made.stderr).toBe(0);
    }
    const out = mkdtempSync(join(tmpdir(), 'bench-peers-'));
    const r = spawnSync(
      process.execPath,
      [
        ...['--import', 'tsx', join(repo, 'scripts', 'bench', 'bench-peers.ts')],
        ...[
          '--model',
          join(model, 'tfjs'),
          '--rounds',
          '2',
          '--warmup',
          '1',
          '--runs',
          '1',
          '--threads',
          '2',
        ],
        ...['--port', '4293', '--out-json', join(out, 'r.json'), '--out-md', join(out, 'r.md')],
      ],
      { cwd: repo, encoding: 'utf8', timeout: 280_000 },
    );
    expect(r.status, r.stderr).toBe(0);

    const report = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as PeerReport;
    const byId = new Map(report.engines.map((e) => [e.id, e]));
    expect([...byId.keys()].sort()).toEqual(['ort-wasm', 'tfjs-wasm', 'torch']);
    for (const e of report.engines) {
      expect(e.runs).toBe(2);
      expect(e.medianMs).toBeGreaterThan(0);
      expect(e.minMs).toBeLessThanOrEqual(e.medianMs);
      expect(e.maxMs).toBeGreaterThanOrEqual(e.medianMs);
    }
    expect(byId.get('torch')!.ratioToNative).toBe(1);
    expect(byId.get('ort-wasm')!.ratioToOrtWeb).toBe(1);
    // Same weights, same input: the browser engines answer what PyTorch answers.
    expect(byId.get('tfjs-wasm')!.maxAbsDiffToNative!).toBeLessThan(1e-4);
    expect(byId.get('ort-wasm')!.maxAbsDiffToNative!).toBeLessThan(1e-4);
    expect(report.machine.crossOriginIsolated).toBe(true);
    expect(byId.get('tfjs-wasm')!.threads).toBe(2);
    expect(byId.get('ort-wasm')!.threads).toBe(2);

    const table = readFileSync(join(out, 'r.md'), 'utf8').trim().split('\n');
    expect(table[0]).toMatch(/^\| engine \| median ms \|/);
    const width = cells(table[0]!).length;
    for (const line of table) {
      expect(line.startsWith('|') && line.endsWith('|'), line).toBe(true);
      expect(cells(line).length).toBe(width);
    }
    expect(table.length).toBe(2 + report.engines.length + report.skipped.length);
    // Stdout carries the same: the JSON, then the table.
    expect(r.stdout).toContain('"engines"');
    expect(r.stdout).toContain(table[0]);
  }, 300_000);
});
