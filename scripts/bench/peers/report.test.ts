// The peer benchmark's statistics and tables: medians, spreads, ratios, and a table every Markdown reader parses.
import { describe, expect, it } from 'vitest';
import { markdownTable, profileTable, quantile, summarise, type EngineRun, type PeerReport } from './report';

/** Cells of a Markdown table row, honouring escaped pipes. */
function cells(line: string): string[] {
  expect(line.startsWith('|') && line.endsWith('|'), line).toBe(true);
  return line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function expectWellFormedTable(table: string): string[][] {
  const lines = table.trim().split('\n');
  const rows = lines.map(cells);
  const width = rows[0]!.length;
  for (const row of rows) expect(row.length).toBe(width);
  expect(rows[1]!.every((c) => /^-{3}:?$/.test(c))).toBe(true);
  return rows;
}

const runs: EngineRun[] = [
  { id: 'tfjs-wasm', kind: 'ours', label: 'ours', times: [400, 420, 410, 900], maxAbsDiffToNative: 2e-7 },
  { id: 'ort-wasm', kind: 'ort-web', label: 'ort', times: [800, 780, 760] },
  { id: 'torch', kind: 'native', label: 'torch', times: [300, 310, 290] },
];

describe('peer report', () => {
  it('takes interpolated quantiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.25)).toBe(5);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
  });

  it('gives medians robust to one slow run, spreads, and ratios to native and to ORT Web', () => {
    const [ours, ort, torch] = summarise(runs);
    expect(ours!.medianMs).toBe(415);
    expect(ours!.minMs).toBe(400);
    expect(ours!.maxMs).toBe(900);
    expect(ours!.iqrMs).toBeCloseTo(
      quantile([400, 410, 420, 900], 0.75) - quantile([400, 410, 420, 900], 0.25),
    );
    expect(ours!.ratioToNative).toBeCloseTo(415 / 300);
    expect(ours!.ratioToOrtWeb).toBeCloseTo(415 / 780);
    expect(ort!.ratioToOrtWeb).toBe(1);
    expect(torch!.ratioToNative).toBe(1);
    expect(ort!.maxAbsDiffToNative).toBeNull();
  });

  it('has no ratio to a peer that did not run', () => {
    const [ours] = summarise([runs[0]!]);
    expect(ours!.ratioToNative).toBeNull();
    expect(ours!.ratioToOrtWeb).toBeNull();
  });

  it('writes a well-formed table, fastest first, skipped engines named with their reason', () => {
    const report: PeerReport = {
      machine: {},
      model: {},
      protocol: { warmupRounds: 1, rounds: 1, runsPerRound: 1, order: 'alternate' },
      engines: summarise(runs),
      skipped: [{ id: 'tfjs-webgl', label: 'webgl', reason: 'software renderer only (a | b)' }],
    };
    const rows = expectWellFormedTable(markdownTable(report));
    expect(rows.slice(2).map((r) => r[0])).toEqual(['torch', 'ours', 'ort', 'webgl']);
    expect(rows[3]![5]).toBe('1.38×');
    expect(rows[5]![1]).toContain('skipped');
  });

  it('writes a well-formed per-op profile table with shares adding to 100 %', () => {
    const table = profileTable('tfjs-wasm', {
      backend: 'wasm',
      totalMs: 100,
      kernels: [
        { op: 'FusedConv2D 3×3', calls: 50, ms: 75 },
        { op: 'Add', calls: 50, ms: 25 },
      ],
    });
    const rows = expectWellFormedTable(table.split('\n\n')[1]!);
    expect(rows.slice(2).map((r) => r[3])).toEqual(['75.0%', '25.0%']);
  });
});
