// npm run bench:classify: per backend, model load, warm-up and median per-frame latency in headless Chromium (JSON).
//
// Usage: npm run bench:classify [-- --model fixture-tiny --backends webgpu,webgl,wasm]
// Serves the production build with `vite preview` (run `npx vite build` first if dist/ is stale).

import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const model = arg('model', 'fixture-tiny');
const backends = arg('backends', 'webgpu,webgl,wasm').split(',');
const port = Number(arg('port', '4174'));

async function main() {
  if (!existsSync('dist/index.html')) throw new Error('No production build: run `npx vite build` first.');
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    stdio: 'ignore',
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-unsafe-webgpu',
    ],
  });
  const results: Record<string, unknown>[] = [];
  try {
    await new Promise((r) => setTimeout(r, 2500));
    for (const backend of backends) {
      const page = await browser.newPage();
      const t0 = Date.now();
      try {
        await page.goto(`http://localhost:${port}/?model=${model}&backend=${backend}`);
        await page.getByTestId('backend').waitFor({ timeout: 600_000 });
        const openToReadyMs = Date.now() - t0;
        await page.getByRole('button', { name: 'Settings' }).click();
        const timing = page.getByTestId('load-timing');
        const used = (await page.getByTestId('settings-backend').textContent()) ?? '';
        await page.getByRole('button', { name: 'Measure speed on this device' }).click();
        const speed = page.getByTestId('speed-result');
        await speed.waitFor({ timeout: 900_000 });
        results.push({
          requested: backend,
          backend: used,
          model,
          openToReadyMs,
          loadMs: Math.round(Number(await timing.getAttribute('data-load-ms'))),
          warmupMs: Math.round(Number(await timing.getAttribute('data-warmup-ms'))),
          medianFrameMs: Math.round(Number(await speed.getAttribute('data-median-ms')) * 10) / 10,
          p90FrameMs: Math.round(Number(await speed.getAttribute('data-p90-ms')) * 10) / 10,
        });
      } catch (error) {
        results.push({ requested: backend, model, error: (error as Error).message.split('\n')[0] });
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    server.kill();
  }
  console.log(JSON.stringify({ machine: `${process.platform} ${process.arch}`, results }, null, 2));
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
