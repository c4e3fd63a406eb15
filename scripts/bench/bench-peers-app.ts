// `npm run bench:peers:app`: the app's own start-up and memory figures for docs/performance.md (JSON).
//
// Usage: npm run bench:peers:app -- [--dist dist] [--model <id in public/models>] [--runs 200] [--port 4295]
// On the production build (`npx vite build` first), in headless Chromium with the service worker:
//  - first visit: open → model ready, → "Ready offline";
//  - cold start offline: a new tab with the network off → model ready → first result of a dropped frame;
//  - model load from the cache (the worker's own load time, Settings) and warm-up;
//  - `runs` classifications through Settings' speed check: median per frame, tensors before/after,
//    peak page JS heap, and the memory of page + workers (measureUserAgentSpecificMemory) at the end.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeTestFrame } from '../../src/synth';
import { defaultModelId, encodeGreyPng } from '../../node';

const repo = join(import.meta.dirname, '..', '..');
const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    model: { type: 'string' },
    runs: { type: 'string', default: '200' },
    port: { type: 'string', default: '4295' },
  },
});
const model = args.model ?? defaultModelId();
const port = Number(args.port);
const base = `http://localhost:${port}`;

async function main() {
  if (!existsSync(join(repo, args.dist!, 'index.html')))
    throw new Error(`No build in ${args.dist}: run vite build.`);
  const server = spawn(
    'npx',
    ['vite', 'preview', '--port', String(port), '--strictPort', '--outDir', args.dist!],
    {
      cwd: repo,
      stdio: 'ignore',
    },
  );
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Eager memory measurement: otherwise measureUserAgentSpecificMemory waits for a natural GC.
    args: ['--no-sandbox', '--enable-blink-features=ForceEagerMeasureMemory'],
  });
  try {
    for (let i = 0; i < 60; i++) {
      if (
        await fetch(base).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const context = await browser.newContext({ serviceWorkers: 'allow' });
    const url = `${base}/?model=${model}&backend=wasm`;
    const first = await context.newPage();
    let t0 = Date.now();
    await first.goto(url);
    await first.getByTestId('backend').waitFor({ timeout: 600_000 });
    const firstVisitReadyMs = Date.now() - t0;
    await first
      .getByTestId('offline-status')
      .filter({ hasText: 'Ready offline' })
      .waitFor({ timeout: 600_000 });
    const readyOfflineMs = Date.now() - t0;
    await first.close();

    await context.setOffline(true);
    const page = await context.newPage();
    const frame = makeTestFrame({
      width: 640,
      height: 480,
      seed: 7,
      shape: 'convex',
      area: { x: 120, y: 60, width: 400, height: 380 },
      chrome: true,
      fluid: false,
    }).frame;
    const png = Array.from(encodeGreyPng(frame));
    t0 = Date.now();
    await page.goto(`${url}&speedRuns=${args.runs}`);
    await page.getByTestId('backend').waitFor({ timeout: 600_000 });
    const offlineOpenToReadyMs = Date.now() - t0;
    const dt = await page.evaluateHandle((bytes) => {
      const d = new DataTransfer();
      d.items.add(new File([new Uint8Array(bytes)], 'frame.png', { type: 'image/png' }));
      return d;
    }, png);
    for (const type of ['dragenter', 'dragover', 'drop'])
      await page.dispatchEvent('body', type, { dataTransfer: dt });
    await page.getByTestId('result').waitFor({ timeout: 600_000 });
    const offlineOpenToFirstResultMs = Date.now() - t0;

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const timing = page.getByTestId('load-timing');
    const threads = page.getByTestId('settings-wasm-threads');
    const loadInfo = {
      backend: await page.getByTestId('settings-backend').textContent(),
      wasmThreads: (await threads.count()) ? Number(await threads.getAttribute('data-threads')) : null,
      modelLoadFromCacheMs: Math.round(Number(await timing.getAttribute('data-load-ms'))),
      warmupMs: Math.round(Number(await timing.getAttribute('data-warmup-ms'))),
    };
    await page.getByRole('button', { name: 'Measure speed on this device' }).click();
    const speed = page.getByTestId('speed-result');
    await speed.waitFor({ timeout: 3_600_000 });
    const attr = async (name: string) => Number(await speed.getAttribute(name));
    const memory = await page.evaluate(async () => {
      const p = performance as unknown as {
        measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
      };
      if (!p.measureUserAgentSpecificMemory) return null;
      const m = await Promise.race([
        p.measureUserAgentSpecificMemory(),
        new Promise<null>((r) => setTimeout(() => r(null), 20_000)),
      ]);
      return m ? Math.round(m.bytes / 2 ** 20) : null;
    });
    const result = {
      model,
      build: args.dist,
      firstVisitReadyMs,
      readyOfflineMs,
      offlineOpenToReadyMs,
      offlineOpenToFirstResultMs,
      ...loadInfo,
      classifications: Number(args.runs),
      medianFrameToReadOutMs: Math.round(await attr('data-median-ms')),
      p90FrameToReadOutMs: Math.round(await attr('data-p90-ms')),
      tensorsBefore: await attr('data-tensors-before'),
      tensorsAfter: await attr('data-tensors-after'),
      peakPageJsHeapMB: Math.round(await attr('data-heap-peak-mb')),
      pageAndWorkersMemoryMBAtEnd: memory,
    };
    console.log(JSON.stringify(result, null, 2));
    await context.close();
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).stack ?? String(error));
  process.exit(1);
});
