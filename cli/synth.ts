// `npm run synth`: writes a labelled phantom data set (PNG per class folder, optional masks and cine) plus a manifest.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { CLASS_IDS } from '../src/core/frame/index.ts';
import { GENERATOR_VERSION } from '../src/synth/index.ts';
import type { SynthJob, SynthResult } from './synth-worker.ts';

const USAGE = `usage: npm run synth -- --out DIR --per-class N [--size 224 | --width W --height H] [--seed S]
       [--masks] [--screen] [--cine SECONDS] [--overlays on|off|random] [--no-augment] [--workers N]`;

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    'per-class': { type: 'string' },
    size: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    seed: { type: 'string', default: '1' },
    masks: { type: 'boolean', default: false },
    screen: { type: 'boolean', default: false },
    cine: { type: 'string' },
    overlays: { type: 'string', default: 'random' },
    'no-augment': { type: 'boolean', default: false },
    workers: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.out) fail('--out is required');
const perClass = Number(values['per-class']);
if (!Number.isInteger(perClass) || perClass < 1) fail('--per-class must be a positive integer');
const size = values.size !== undefined ? Number(values.size) : 224;
const width = values.width !== undefined ? Number(values.width) : size;
const height = values.height !== undefined ? Number(values.height) : size;
if (!(width >= 32 && height >= 32 && width <= 4096 && height <= 4096))
  fail('image size must be 32–4096 pixels');
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) fail('--seed must be a non-negative integer');
const cineSeconds = values.cine !== undefined ? Number(values.cine) : 0;
if (!(cineSeconds >= 0 && cineSeconds <= 120)) fail('--cine must be 0–120 seconds');
const overlays = values.overlays === 'on' ? true : values.overlays === 'off' ? false : 'random';
// The machine is shared: never more than two workers.
const workerCount = Math.max(1, Math.min(2, Number(values.workers ?? availableParallelism())));

const out = resolve(values.out);
mkdirSync(out, { recursive: true });

// Seeds: a fixed stride per class keeps every image reproducible on its own, whatever --per-class is.
const jobs: SynthJob[] = [];
for (let n = 0; n < perClass; n++) {
  for (const [c, classId] of CLASS_IDS.entries()) {
    jobs.push({
      classId,
      seed: (seed * 7_919 + c * 1_000_003 + n * 4 + c) >>> 0,
      name: `${classId}_${String(n).padStart(6, '0')}`,
      width,
      height,
      masks: values.masks,
      screen: values.screen,
      overlays,
      augment: !values['no-augment'],
      cineSeconds,
      out,
    });
  }
}

/**
 * Node 20 ignores `--import tsx` in a worker's execArgv, so a tiny eval'd bootstrap registers tsx's loader
 * inside the worker and then imports the TypeScript worker module.
 */
function startWorker(): Worker {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const workerUrl = new URL('./synth-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); });`;
  return new Worker(bootstrap, { eval: true });
}

const results: SynthResult[] = [];
const started = performance.now();
let next = 0;
let done = 0;
let failed = 0;

function progress(): void {
  const elapsed = (performance.now() - started) / 1000;
  const rate = done / Math.max(elapsed, 1e-3);
  const eta = (jobs.length - done) / Math.max(rate, 1e-9);
  process.stderr.write(`\rsynth: ${done}/${jobs.length} (${rate.toFixed(1)}/s, eta ${eta.toFixed(0)} s)   `);
}

await Promise.all(
  Array.from({ length: Math.min(workerCount, jobs.length) }, () => {
    return new Promise<void>((resolveWorker, reject) => {
      const worker = startWorker();
      const feed = (): void => {
        const job = jobs[next++];
        worker.postMessage(job ?? null);
      };
      worker.on(
        'message',
        (msg: { ok: true; result: SynthResult } | { ok: false; error: string; name: string }) => {
          if (msg.ok) results.push(msg.result);
          else {
            failed++;
            console.error(`\nsynth: ${msg.name} failed:\n${msg.error}`);
          }
          done++;
          if (done % 10 === 0 || done === jobs.length) progress();
          feed();
        },
      );
      worker.on('error', reject);
      worker.on('exit', () => resolveWorker());
      feed();
    });
  }),
);
process.stderr.write('\n');

results.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const manifest = {
  generator: 'lus-signs synth',
  generatorVersion: GENERATOR_VERSION,
  createdAt: new Date().toISOString(),
  seed,
  perClass,
  width,
  height,
  masks: values.masks,
  screen: values.screen,
  cineSeconds,
  overlays,
  augment: !values['no-augment'],
  classes: CLASS_IDS,
  items: results,
};
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest));
const seconds = (performance.now() - started) / 1000;
console.error(
  `synth: wrote ${results.length} items to ${out} in ${seconds.toFixed(1)} s (${(results.length / seconds).toFixed(1)}/s)`,
);
if (failed > 0) {
  console.error(`synth: ${failed} items failed`);
  process.exit(1);
}
