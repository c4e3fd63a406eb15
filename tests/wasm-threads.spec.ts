// Multi-threaded WASM in the built app: as many threads as cores when isolated, one without, same answers.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { FRAMES } from './helpers/fixtures';
import { dropFile, openApp, readProbabilities } from './helpers/app';

async function threadsInSettings(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const threads = page.getByTestId('settings-wasm-threads');
  await expect(threads).toBeVisible();
  return Number(await threads.getAttribute('data-threads'));
}

async function classifyFrame(page: Page): Promise<Record<string, number>> {
  await page.getByRole('button', { name: 'Classify', exact: true }).click();
  await dropFile(page, join(FRAMES, 'scan-2.png'));
  return readProbabilities(page);
}

test('the isolated app runs WASM on every core and a page without isolation on one, with the same answers', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page, { backend: 'wasm' });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threaded = await threadsInSettings(page);
  expect(threaded).toBe(Math.min(8, cores));
  const threadedProbs = await classifyFrame(page);
  expect(errors).toEqual([]);

  // A host that cannot send COOP/COEP: no SharedArrayBuffer, so one thread, and still a clean start.
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  await openApp(page, { backend: 'wasm' });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  expect(await threadsInSettings(page)).toBe(1);
  const singleProbs = await classifyFrame(page);
  expect(errors).toEqual([]);

  for (const [id, p] of Object.entries(threadedProbs)) {
    expect(Math.abs(p - singleProbs[id]!), id).toBeLessThan(1e-4);
  }
});

test.describe('offline', () => {
  test.use({ serviceWorkers: 'allow' });

  test('reloaded offline from the service worker, the app is still isolated and threaded', async ({
    page,
    context,
  }) => {
    test.setTimeout(240_000);
    await openApp(page, { backend: 'wasm' });
    await expect(page.getByTestId('offline-status')).toContainText('Ready offline', { timeout: 90_000 });
    const online = await threadsInSettings(page);
    await context.setOffline(true);
    try {
      await page.reload();
      await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
      // The precached responses keep their COOP/COEP headers, so the page stays isolated offline.
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(await threadsInSettings(page)).toBe(online);
      const p = await classifyFrame(page);
      expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    } finally {
      await context.setOffline(false);
    }
  });
});
