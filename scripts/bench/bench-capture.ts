// `npm run bench:capture`: live capture on Chromium's fake camera per backend — achieved read-outs per second,
// video frames per second, frames dropped, and main-thread long tasks (> 50 ms) while continuous mode runs.
// A benchmark, not a test: it prints numbers and asserts nothing. Needs a build (`vite build`, or LUS_DIST).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signClip } from '../../tests/helpers/captureClips';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'fixture-tiny' },
    backends: { type: 'string', default: 'wasm,webgl,webgpu' },
    seconds: { type: 'string', default: '20' },
    port: { type: 'string', default: process.env.LUS_PORT ?? '4193' },
    dist: { type: 'string', default: process.env.LUS_DIST ?? 'dist' },
    screenshot: { type: 'string' },
  },
});
const repo = join(import.meta.dirname, '..', '..');
const port = Number(values.port);
const seconds = Number(values.seconds);
// The same flags the browser tests use: SwiftShader stands in for a GPU on machines without one.
const baseArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
];

interface Row {
  requested: string;
  backend: string;
  readoutsPerSecond: number;
  videoFramesPerSecond: number;
  droppedPerSecond: number;
  longTasks: number;
  longTaskMs: number;
  longestTaskMs: number;
  problem?: string;
}

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const up = await fetch(`http://localhost:${port}`)
      .then((r) => r.ok)
      .catch(() => false);
    if (up) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`vite preview did not answer on port ${port}`);
}

async function measure(backend: string, clipPath: string): Promise<Row> {
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      ...baseArgs,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${clipPath}`,
    ],
  });
  try {
    const context = await browser.newContext({
      serviceWorkers: 'block',
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: Array<{ at: number; ms: number }> };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ at: e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`http://localhost:${port}/?model=${values.model}&backend=${backend}`);
    await page.getByTestId('backend').waitFor({ timeout: 180_000 });
    await page.getByRole('button', { name: 'Capture', exact: true }).click();
    await page.getByTestId('capture-start').click();
    await page.locator('[data-testid="roi-status"][data-state="found"]').waitFor({ timeout: 60_000 });
    const stats = page.getByTestId('live-stats');
    await page.locator('[data-testid="live-readout"][data-state="reading"]').waitFor({ timeout: 180_000 });
    const read = async () => ({
      classified: Number(await stats.getAttribute('data-classified')),
      dropped: Number(await stats.getAttribute('data-dropped')),
      video: Number(await stats.getAttribute('data-video-per-second')),
      now: await page.evaluate(() => performance.now()),
    });
    const start = await read();
    await page.waitForTimeout(seconds * 1000);
    const end = await read();
    if (values.screenshot)
      await page.screenshot({ path: values.screenshot.replace('.png', `-${backend}.png`) });
    const tasks = await page.evaluate(
      (from) =>
        (window as unknown as { __longTasks: Array<{ at: number; ms: number }> }).__longTasks.filter(
          (t) => t.at >= from,
        ),
      start.now,
    );
    const span = (end.now - start.now) / 1000;
    return {
      requested: backend,
      backend: (await page.getByTestId('backend').textContent()) ?? '?',
      readoutsPerSecond: Number(((end.classified - start.classified) / span).toFixed(2)),
      videoFramesPerSecond: Number(end.video.toFixed(1)),
      droppedPerSecond: Number(((end.dropped - start.dropped) / span).toFixed(2)),
      longTasks: tasks.length,
      longTaskMs: Math.round(tasks.reduce((a, t) => a + t.ms, 0)),
      longestTaskMs: Math.round(Math.max(0, ...tasks.map((t) => t.ms))),
    };
  } catch (error) {
    return {
      requested: backend,
      backend: '-',
      readoutsPerSecond: 0,
      videoFramesPerSecond: 0,
      droppedPerSecond: 0,
      longTasks: 0,
      longTaskMs: 0,
      longestTaskMs: 0,
      problem: (error as Error).message.split('\n')[0],
    };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const dist = join(repo, values.dist!);
  if (!existsSync(join(dist, 'index.html'))) {
    console.error(`No build in ${values.dist}: run \`npx vite build --outDir ${values.dist}\` first.`);
    process.exit(1);
  }
  const clip = signClip('b_lines');
  const server = spawn(
    'npx',
    ['vite', 'preview', '--port', String(port), '--strictPort', '--outDir', values.dist!],
    {
      cwd: repo,
      stdio: 'ignore',
    },
  );
  try {
    await waitForServer();
    const rows: Row[] = [];
    for (const backend of values.backends!.split(',')) {
      const row = await measure(backend.trim(), clip.path);
      rows.push(row);
      console.error(`${backend}: ${JSON.stringify(row)}`);
    }
    console.log(
      `Live capture, model ${values.model}, ${seconds} s per backend, 640×480 fake camera at 15 frames/s`,
    );
    console.table(rows);
    console.log(JSON.stringify({ model: values.model, seconds, rows }, null, 2));
  } finally {
    server.kill();
  }
}

void main();
