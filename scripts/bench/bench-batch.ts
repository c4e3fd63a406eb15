// `npm run bench:batch`: batch-scoring throughput (CLI, and the app with --app) on 200 frames, and peak memory on 2,000.
// Prints JSON. Frames are scanner-like test frames (640×480 with text and a ruler), written once under tests/.generated.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeTestFrame } from '../../src/synth';
import { defaultModelId, encodeGreyPng } from '../../node';

const { values } = parseArgs({
  options: { app: { type: 'boolean', default: false }, workers: { type: 'string', default: '2' } },
});
const repo = join(import.meta.dirname, '..', '..');
const root = join(repo, 'tests', '.generated', 'bench-batch');
const fixtureModel = join(repo, 'public', 'models', 'fixture-tiny');

/** `count` frames in class folders; 50 distinct frames, copied, since decoding cost not content is measured. */
function writeFolder(name: string, count: number): string {
  const dir = join(root, name);
  if (existsSync(`${dir}.complete`)) return dir;
  const distinct = join(root, 'distinct');
  mkdirSync(distinct, { recursive: true });
  for (let i = 0; i < 50; i++) {
    const p = join(distinct, `${i}.png`);
    if (existsSync(p)) continue;
    const { frame } = makeTestFrame({
      width: 640,
      height: 480,
      seed: 500 + i,
      shape: i % 2 ? 'convex' : 'linear',
      area: { x: 120, y: 60, width: 380, height: 360 },
      chrome: true,
      fluid: i % 4 === 2,
    });
    writeFileSync(p, encodeGreyPng(frame));
  }
  const signs = ['a_lines', 'b_lines', 'pleural_effusion', 'consolidation'];
  for (let i = 0; i < count; i++) {
    const sub = join(dir, signs[i % 4]!, `exam-${Math.floor(i / 100)}`);
    mkdirSync(sub, { recursive: true });
    copyFileSync(join(distinct, `${i % 50}.png`), join(sub, `frame-${i}.png`));
  }
  writeFileSync(`${dir}.complete`, '');
  return dir;
}

function cli(folder: string, model: string) {
  const r = spawnSync(
    process.execPath,
    [
      join(repo, 'cli', 'lus-signs.mjs'),
      'score',
      folder,
      '--model',
      model,
      '--workers',
      values.workers!,
      '--out',
      join(root, 'out.csv'),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`lus-signs failed: ${r.stderr}`);
  const m = /(\d+) scored.* in ([\d.]+) s \(([\d.]+) frames\/s\), peak memory (\d+) MB/.exec(r.stdout);
  if (!m) throw new Error(`no summary in: ${r.stdout}`);
  return {
    frames: Number(m[1]),
    seconds: Number(m[2]),
    framesPerSecond: Number(m[3]),
    peakMemoryMB: Number(m[4]),
  };
}

/** The app in Chromium (WASM) on the same folder through the webkitdirectory input; needs `vite build` first. */
async function app(folder: string, model: string) {
  const { chromium } = await import('@playwright/test');
  const port = 4277;
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    cwd: repo,
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 60; i++) {
      if (
        await fetch(`http://localhost:${port}`)
          .then((r) => r.ok)
          .catch(() => false)
      )
        break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    const page = await browser.newPage();
    await page.goto(`http://localhost:${port}/?model=${model}&backend=wasm`);
    await page.getByTestId('backend').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Batch', exact: true }).click();
    const t0 = Date.now();
    await page.getByTestId('batch-folder-input').setInputFiles(folder);
    await page.locator('[data-testid="batch"][data-phase="finished"]').waitFor({ timeout: 600_000 });
    const seconds = (Date.now() - t0) / 1000;
    const fps = Number(await page.getByTestId('batch-progress').getAttribute('data-fps'));
    const heapMB = await page.evaluate(() => {
      const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      return m ? Math.round(m.usedJSHeapSize / 1024 / 1024) : null;
    });
    await browser.close();
    return { framesPerSecond: fps, secondsIncludingListing: seconds, pageHeapMB: heapMB };
  } finally {
    server.kill();
  }
}

const defaultId = defaultModelId();
const models = [...new Set(['fixture-tiny', defaultId])];
const f200 = writeFolder('frames-200', 200);
const f2000 = writeFolder('frames-2000', 2000);
const result: Record<string, unknown> = {
  cpus: (await import('node:os')).availableParallelism(),
  workers: Number(values.workers),
};
for (const id of models) {
  result[`cli_200_${id}`] = cli(f200, join(repo, 'public', 'models', id));
  if (values.app) result[`app_200_${id}`] = await app(f200, id);
}
result.cli_2000_fixture_tiny = cli(f2000, fixtureModel);
console.log(JSON.stringify(result, null, 2));
