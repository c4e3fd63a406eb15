// The peer benchmark's numbers: per-engine statistics, ratios to native and to ONNX Runtime Web, the Markdown table.

export type EngineKind = 'ours' | 'ort-web' | 'native';

export interface EngineRun {
  /** Stable key: `tfjs-wasm`, `tfjs-webgl`, `tfjs-webgpu`, `ort-wasm`, `torch`. */
  id: string;
  kind: EngineKind;
  /** Shown in the table: "LUS Signs, TF.js WASM (2 threads)". */
  label: string;
  /** Milliseconds per timed run (batch of one, model only: input in, probabilities read back). */
  times: number[];
  /** Largest |Δ probability| against native PyTorch on the benchmark input, when both ran. */
  maxAbsDiffToNative?: number;
  /** One-off costs: session/model load, warm-up. */
  loadMs?: number;
  warmupMs?: number;
  threads?: number;
  note?: string;
}

export interface EngineSkip {
  id: string;
  label: string;
  reason: string;
}

export interface EngineStats {
  id: string;
  kind: EngineKind;
  label: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Interquartile range in ms: the spread, robust to the odd slow run. */
  iqrMs: number;
  ratioToNative: number | null;
  ratioToOrtWeb: number | null;
  maxAbsDiffToNative: number | null;
  loadMs: number | null;
  warmupMs: number | null;
  threads: number | null;
  note: string | null;
}

export interface PeerReport {
  machine: Record<string, unknown>;
  model: Record<string, unknown>;
  protocol: { warmupRounds: number; rounds: number; runsPerRound: number; order: string };
  engines: EngineStats[];
  skipped: EngineSkip[];
}

/** Linear-interpolated quantile of sorted values. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarise(runs: EngineRun[]): EngineStats[] {
  const base = runs.map((r) => {
    const sorted = [...r.times].sort((a, b) => a - b);
    return { run: r, sorted, median: quantile(sorted, 0.5) };
  });
  const native = base.find((b) => b.run.kind === 'native')?.median ?? null;
  const ort = base.find((b) => b.run.kind === 'ort-web')?.median ?? null;
  return base.map(({ run, sorted, median }) => ({
    id: run.id,
    kind: run.kind,
    label: run.label,
    runs: sorted.length,
    medianMs: median,
    minMs: sorted[0] ?? NaN,
    maxMs: sorted[sorted.length - 1] ?? NaN,
    iqrMs: quantile(sorted, 0.75) - quantile(sorted, 0.25),
    ratioToNative: native ? median / native : null,
    ratioToOrtWeb: ort ? median / ort : null,
    maxAbsDiffToNative: run.maxAbsDiffToNative ?? null,
    loadMs: run.loadMs ?? null,
    warmupMs: run.warmupMs ?? null,
    threads: run.threads ?? null,
    note: run.note ?? null,
  }));
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 0) : '—');
/** Labels and reasons may hold pipes ("ANGLE (Google | …)"): escaped, they stay inside their cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|');
const ratio = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}×`);

/** The table docs/performance.md keeps: one row per engine, fastest first. */
export function markdownTable(report: PeerReport): string {
  const rows = [...report.engines].sort((a, b) => a.medianMs - b.medianMs);
  const lines = [
    '| engine | median ms | spread (IQR) ms | min–max ms | runs | × native | × ORT Web | max \\|Δp\\| vs native |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (e) =>
        `| ${cell(e.label)} | ${ms(e.medianMs)} | ${ms(e.iqrMs)} | ${ms(e.minMs)}–${ms(e.maxMs)} | ${e.runs} | ` +
        `${ratio(e.ratioToNative)} | ${ratio(e.ratioToOrtWeb)} | ` +
        `${e.maxAbsDiffToNative === null ? '—' : e.maxAbsDiffToNative.toExponential(1)} |`,
    ),
  ];
  for (const s of report.skipped) lines.push(`| ${cell(s.label)} | skipped: ${cell(s.reason)} | | | | | | |`);
  return lines.join('\n');
}

export interface Profile {
  backend: string;
  totalMs: number;
  kernels: Array<{ op: string; calls: number; ms: number }>;
}

/** Where one run's time goes, by kernel (tf.profile), largest first. */
export function profileTable(id: string, p: Profile): string {
  const sum = p.kernels.reduce((a, k) => a + k.ms, 0);
  return [
    `Per-op profile, ${id} (${p.backend}): one run ${p.totalMs.toFixed(0)} ms under the profiler, kernels ${sum.toFixed(0)} ms`,
    '',
    '| op | calls | ms | share |',
    '| --- | ---: | ---: | ---: |',
    ...p.kernels.map(
      (k) =>
        `| ${k.op} | ${k.calls} | ${k.ms.toFixed(1)} | ${sum > 0 ? ((100 * k.ms) / sum).toFixed(1) : '0.0'}% |`,
    ),
  ].join('\n');
}
