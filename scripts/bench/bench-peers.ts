// `npm run bench:peers`: our graph model vs ONNX Runtime Web vs native PyTorch on the same weights, one run.
//
// Usage: npm run bench:peers -- [--model .cache/bench-resnet152/tfjs] [--onnx F] [--checkpoint F]
//          [--rounds 5] [--warmup 1] [--runs 3] [--threads N] [--backends auto|wasm,webgl,webgpu]
//          [--engines ours,ort,native] [--out-json F] [--out-md F] [--no-build]
//          [--tfjs-threads N] (ours only; 1 = the single-threaded build the app used before)
//          [--also-tfjs-threads N] (adds ours on WASM with N threads as a further engine: before/after
//          in one alternating run)
//          [--batch N] (ours only: per-frame time within batches of N) [--profile] (per-op, ours)
// Write the default model first: /usr/bin/python3 scripts/bench/bench_peers_model.py (random-weight ResNet152
// at 224, our exporters, gitignored). Peers run alternately (the order rotates each round) after warm-up
// rounds; each timed run is one frame, model only (input in, probabilities read back). Prints JSON, then
// the Markdown table docs/performance.md keeps. Keep the CPU otherwise idle while it runs.
import { chromium } from '@playwright/test';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  markdownTable,
  profileTable,
  summarise,
  type EngineRun,
  type EngineSkip,
  type PeerReport,
  type Profile,
} from './peers/report';
import { seededRandom } from '../../src/core';

const repo = resolve(import.meta.dirname, '..', '..');
const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: join(repo, '.cache', 'bench-resnet152', 'tfjs') },
    onnx: { type: 'string' },
    checkpoint: { type: 'string' },
    'trust-checkpoint': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string' },
    'tfjs-threads': { type: 'string' },
    'also-tfjs-threads': { type: 'string' },
    batch: { type: 'string', default: '1' },
    profile: { type: 'boolean', default: false },
    backends: { type: 'string', default: 'auto' },
    engines: { type: 'string', default: 'ours,ort,native' },
    'out-json': { type: 'string' },
    'out-md': { type: 'string' },
    port: { type: 'string', default: '4291' },
    'no-build': { type: 'boolean', default: false },
  },
});

const modelDir = resolve(args.model!);
const onnxFile = resolve(args.onnx ?? join(modelDir, '..', 'model.onnx'));
const checkpoint = args.checkpoint
  ? resolve(args.checkpoint)
  : existsSync(join(modelDir, '..', 'checkpoint.pt'))
    ? resolve(modelDir, '..', 'checkpoint.pt')
    : null;
const rounds = Number(args.rounds);
const warmupRounds = Number(args.warmup);
const runsPerRound = Number(args.runs);
const threads = Number(args.threads ?? os.availableParallelism());
const tfjsThreads = args['tfjs-threads'] === undefined ? undefined : Number(args['tfjs-threads']);
const batch = Number(args.batch);
const engines = new Set(args.engines!.split(','));
const work = join(repo, '.cache', 'bench-peers');
const distDir = join(work, 'dist');

interface Meta {
  id: string;
  version: string;
  architecture: string;
  classes: string[];
  input: { height: number; width: number };
}
const modelJson = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as {
  userDefinedMetadata: { lusSigns: Meta };
  weightsManifest: Array<{ paths: string[] }>;
};
const meta = modelJson.userDefinedMetadata.lusSigns;
const { height, width } = meta.input;

/** A fixed, normalised-looking frame (seeded), the same bytes for every engine. */
function writeInput(file: string): void {
  const rand = seededRandom(20251127);
  const x = new Float32Array(height * width * 3);
  for (let i = 0; i < x.length; i += 3) {
    const g = (rand() + rand() + rand() - 1.5) * 1.4; // grey, replicated like the app does
    x[i] = x[i + 1] = x[i + 2] = g;
  }
  writeFileSync(file, Buffer.from(x.buffer));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Static server with the app's isolation headers (threads need them), over the build, the model and ORT. */
function serve(port: number): Promise<Server> {
  const roots: Array<[string, string]> = [
    ['/model/', modelDir],
    ['/ort/', join(repo, 'node_modules', 'onnxruntime-web', 'dist')],
    ['/data/', work],
    ['/peer/', dirname(onnxFile)],
    ['/', distDir],
  ];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const [prefix, root] = roots.find(([p]) => path.startsWith(p))!;
    const file = normalize(join(root, path.slice(prefix.length) || 'index.html'));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(port, 'localhost', () => ok(server)));
}

class NativePeer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  constructor(input: string) {
    const argv = [
      join(repo, 'scripts', 'bench', 'bench_peers_native.py'),
      ...['--arch', meta.architecture, '--height', String(height), '--width', String(width)],
      ...['--classes', meta.classes.join(','), '--input', input, '--threads', String(threads)],
      ...(checkpoint ? ['--checkpoint', checkpoint] : []),
      ...(args['trust-checkpoint'] ? ['--trust-checkpoint'] : []),
    ];
    this.proc = spawn('/usr/bin/python3', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => process.stderr.write(`[torch] ${d.toString()}`));
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async next<T>(): Promise<T> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('the PyTorch peer exited');
    return JSON.parse(value as string) as T;
  }
  async run(count: number): Promise<{ times: number[] }> {
    this.proc.stdin.write(`run ${count}\n`);
    return this.next();
  }
  close(): void {
    this.proc.stdin.end('quit\n');
  }
}

function versionOf(pkg: string): string {
  return (
    JSON.parse(readFileSync(join(repo, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }
  ).version;
}

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  const inputFile = join(work, 'input.f32');
  writeInput(inputFile);
  if (!args['no-build'] || !existsSync(join(distDir, 'index.html'))) {
    const b = spawnSync(
      'npx',
      [
        'vite',
        'build',
        '--config',
        join(repo, 'scripts', 'bench', 'peers', 'vite.config.ts'),
        '--outDir',
        distDir,
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    if (b.status !== 0) throw new Error(`bench page build failed:\n${b.stdout}\n${b.stderr}`);
  }
  const port = Number(args.port);
  const server = await serve(port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--use-angle=swiftshader',
    ],
  });
  const native = engines.has('native') ? new NativePeer(inputFile) : null;
  const runs: EngineRun[] = [];
  const skipped: EngineSkip[] = [];
  const page = await browser.newPage();
  page.on('pageerror', (e) => process.stderr.write(`[page] ${e.message}\n`));
  page.on('console', (m) => {
    if (m.type() === 'error' || process.env.BENCH_DEBUG) process.stderr.write(`[console] ${m.text()}\n`);
  });
  try {
    await page.goto(`http://localhost:${port}/`);
    await page.waitForFunction(() => 'lusBench' in window);
    const call = <T>(fn: string, ...a: unknown[]): Promise<T> =>
      page.evaluate(
        ({ fn, a }) => {
          const bench = (window as unknown as { lusBench: Record<string, (...x: unknown[]) => unknown> })
            .lusBench;
          return bench[fn]!(...a);
        },
        { fn, a },
      ) as Promise<T>;
    const env = await call<{ isolated: boolean; cores: number }>('setInput', '/data/input.f32', [
      1,
      height,
      width,
      3,
    ]);
    const options = {
      modelUrl: `/model/model.json`,
      onnxUrl: `/peer/${onnxFile.split('/').pop()}`,
      threads,
      ...(tfjsThreads === undefined ? {} : { tfjsThreads }),
    };

    const ids: string[] = [];
    const info = new Map<string, Record<string, unknown>>();
    const nativeReady = native
      ? await native.next<{ loadMs: number; probs?: number[]; torch: string; threads: number }>()
      : null;
    if (engines.has('ours')) {
      const wasm = await call<Record<string, unknown>>('load', 'tfjs-wasm', options);
      info.set('tfjs-wasm', wasm);
      ids.push('tfjs-wasm');
      if (args['also-tfjs-threads']) {
        const id = `tfjs-wasm@${args['also-tfjs-threads']}`;
        const o = { ...options, tfjsThreads: Number(args['also-tfjs-threads']) };
        info.set(id, await call<Record<string, unknown>>('load', id, o));
        ids.push(id);
      }
      const probes = wasm.probes as Array<{
        backend: string;
        available: boolean;
        software: boolean;
        detail: string;
      }>;
      const wanted = args.backends === 'auto' ? null : new Set(args.backends!.split(','));
      for (const gpu of ['webgpu', 'webgl']) {
        const probe = probes.find((p) => p.backend === gpu);
        const label = `LUS Signs, TF.js ${gpu === 'webgpu' ? 'WebGPU' : 'WebGL'}`;
        const use = wanted ? wanted.has(gpu) : !!probe?.available && !probe.software;
        if (!use) {
          skipped.push({
            id: `tfjs-${gpu}`,
            label,
            reason: !probe?.available
              ? `not available (${probe?.detail ?? 'no probe'})`
              : `software renderer only (${probe.detail}); pass --backends to time it anyway`,
          });
          continue;
        }
        try {
          info.set(`tfjs-${gpu}`, await call<Record<string, unknown>>('load', `tfjs-${gpu}`, options));
          ids.push(`tfjs-${gpu}`);
        } catch (e) {
          skipped.push({
            id: `tfjs-${gpu}`,
            label,
            reason: `failed: ${(e as Error).message.split('\n')[0]}`,
          });
        }
      }
    }
    if (engines.has('ort')) {
      if (existsSync(onnxFile)) {
        info.set('ort-wasm', await call<Record<string, unknown>>('load', 'ort-wasm', options));
        ids.push('ort-wasm');
      } else
        skipped.push({
          id: 'ort-wasm',
          label: 'ONNX Runtime Web, WASM',
          reason: `no ONNX file at ${onnxFile}`,
        });
    }
    if (native) ids.push('torch');

    const times = new Map<string, number[]>(ids.map((id) => [id, []]));
    const probs = new Map<string, number[]>();
    for (let r = 0; r < warmupRounds + rounds; r++) {
      const order = ids.map((_, i) => ids[(i + r) % ids.length]!);
      for (const id of order) {
        const out: { times: number[]; probs?: number[] } =
          id === 'torch'
            ? await native!.run(runsPerRound)
            : await call<{ times: number[]; probs: number[] }>(
                'run',
                id,
                runsPerRound,
                id.startsWith('tfjs') ? batch : 1,
              );
        if (out.probs) probs.set(id, out.probs);
        if (r >= warmupRounds) times.get(id)!.push(...out.times);
      }
      process.stderr.write(`round ${r + 1}/${warmupRounds + rounds} done\n`);
    }

    const nativeProbs = nativeReady?.probs;
    const diff = (p?: number[]) =>
      nativeProbs && p ? Math.max(...p.map((v, i) => Math.abs(v - nativeProbs[i]!))) : undefined;
    for (const id of ids) {
      const i = info.get(id);
      const t = times.get(id)!;
      if (id === 'torch') {
        runs.push({
          id,
          kind: 'native',
          label: `PyTorch ${nativeReady!.torch} native CPU (${nativeReady!.threads} threads)`,
          times: t,
          loadMs: nativeReady!.loadMs,
          threads: nativeReady!.threads,
          ...(checkpoint ? {} : { note: 'random weights of the same architecture (no checkpoint given)' }),
        });
      } else if (id === 'ort-wasm') {
        runs.push({
          id,
          kind: 'ort-web',
          label: `ONNX Runtime Web ${String(i!.version)} WASM (${String(i!.threads)} threads)`,
          times: t,
          loadMs: i!.loadMs as number,
          threads: i!.threads as number,
          maxAbsDiffToNative: diff(probs.get(id)),
        });
      } else {
        const backend = id.replace('tfjs-', '').replace(/@.*/, '');
        const n = i!.threads as number | null;
        runs.push({
          id,
          kind: 'ours',
          label:
            `LUS Signs, TF.js ${versionOf('@tensorflow/tfjs')} ${backend.toUpperCase()}` +
            `${n ? ` (${n} thread${n === 1 ? '' : 's'})` : ''}${batch > 1 ? `, per frame in batches of ${batch}` : ''}`,
          times: t,
          loadMs: i!.loadMs as number,
          warmupMs: i!.warmupMs as number,
          ...(n ? { threads: n } : {}),
          maxAbsDiffToNative: diff(probs.get(id)),
        });
      }
    }
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const report: PeerReport = {
      machine: {
        cpu,
        logicalCores: os.availableParallelism(),
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        browser: `Chromium ${browser.version()} (headless)`,
        crossOriginIsolated: env.isolated,
        node: process.version,
        onnxruntimeWeb: versionOf('onnxruntime-web'),
        tfjs: versionOf('@tensorflow/tfjs'),
        loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
      },
      model: {
        id: meta.id,
        architecture: meta.architecture,
        input: `${height}×${width}×3`,
        batch: 1,
        weightsMB: Math.round(
          modelJson.weightsManifest
            .flatMap((g) => g.paths)
            .reduce((a, p) => a + statSync(join(modelDir, p)).size, 0) / 1e6,
        ),
        folder: modelDir,
        onnx: existsSync(onnxFile) ? onnxFile : null,
        checkpoint,
      },
      protocol: {
        warmupRounds,
        rounds,
        runsPerRound,
        order: 'engines alternate; the starting engine rotates each round',
      },
      engines: summarise(runs),
      skipped,
    };
    let table = markdownTable(report);
    const write = (profiles: Record<string, Profile>) => {
      if (args['out-json']) writeFileSync(args['out-json'], JSON.stringify({ ...report, profiles }, null, 2));
      if (args['out-md']) writeFileSync(args['out-md'], `${table}\n`);
    };
    // Timings are written first: a profile loads a second copy of the model and may be slow.
    write({});
    const profiles: Record<string, Profile> = {};
    if (args.profile) {
      for (const id of ids.filter((i) => i.startsWith('tfjs'))) {
        profiles[id] = await call<Profile>('profile', id);
        table += `\n\n${profileTable(id, profiles[id])}`;
      }
      write(profiles);
    }
    console.log(JSON.stringify({ ...report, profiles }, null, 2));
    console.log(`\n${table}`);
  } finally {
    native?.close();
    await browser.close();
    server.close();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).stack ?? String(error));
  process.exit(1);
});
