// `npm run bench:synth`: phantom frames per second at 128×128, 224×224 and 640×480, on one core and on two.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { CLASS_IDS } from '../../src/core/frame/index.ts';
import { generatePhantom } from '../../src/synth/index.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '6' },
    worker: { type: 'boolean', default: false },
    width: { type: 'string' },
    height: { type: 'string' },
    offset: { type: 'string', default: '0' },
  },
});

const SIZES: Array<[number, number]> = [
  [128, 128],
  [224, 224],
  [640, 480],
];

/** Renders phantoms (all four signs in turn) for about `seconds`, after a warm-up; returns frames per second. */
function measure(width: number, height: number, seconds: number, seedOffset: number): number {
  for (let s = 0; s < 4; s++)
    generatePhantom({ classId: CLASS_IDS[s % 4]!, width, height, seed: 900_000 + s });
  const start = performance.now();
  let frames = 0;
  while (performance.now() - start < seconds * 1000) {
    generatePhantom({ classId: CLASS_IDS[frames % 4]!, width, height, seed: seedOffset + frames });
    frames++;
  }
  return frames / ((performance.now() - start) / 1000);
}

if (values.worker) {
  // Child mode: print one number for the parent.
  const fps = measure(
    Number(values.width),
    Number(values.height),
    Number(values.seconds),
    Number(values.offset),
  );
  console.log(fps.toFixed(3));
  process.exit(0);
}

/** Two independent processes, as `npm run synth` runs two workers: total frames per second. */
async function measureParallel(
  width: number,
  height: number,
  seconds: number,
  jobs: number,
): Promise<number> {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const self = new URL(import.meta.url).href;
  const runs = Array.from({ length: jobs }, (_, j) => {
    const argv = [
      '--worker',
      '--width',
      String(width),
      '--height',
      String(height),
      '--seconds',
      String(seconds),
      '--offset',
      String(j * 1_000_000),
    ];
    const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); });`;
    return new Promise<number>((resolve, reject) => {
      const worker = new Worker(code, { eval: true, stdout: true, argv });
      let out = '';
      worker.stdout.on('data', (d: Buffer) => (out += d.toString()));
      worker.on('error', reject);
      worker.on('exit', () => resolve(Number(out.trim())));
    });
  });
  const fps = await Promise.all(runs);
  return fps.reduce((a, b) => a + b, 0);
}

const seconds = Number(values.seconds);
const cores = Math.min(2, availableParallelism());
console.log(
  `bench:synth — ${seconds} s per measurement, Node ${process.version}, ${availableParallelism()} cores available`,
);
console.log('size       1 core (frames/s)   ' + `${cores} workers (frames/s)`);
for (const [w, h] of SIZES) {
  const one = measure(w, h, seconds, 0);
  const many = cores > 1 ? await measureParallel(w, h, seconds, cores) : one;
  console.log(
    `${`${w}x${h}`.padEnd(10)} ${one.toFixed(1).padStart(8)}            ${many.toFixed(1).padStart(8)}`,
  );
}
