// Offline on a ward tablet: the app installs its service worker, caches the model, and classifies with no network.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FRAMES } from './helpers/fixtures';
import { dropFile, openApp, readProbabilities } from './helpers/app';

test.use({ serviceWorkers: 'allow' });

test('after "Ready offline", the app reloads and classifies with the network off', async ({
  page,
  context,
}) => {
  await openApp(page);
  await expect(page.getByTestId('offline-status')).toContainText('Ready offline', { timeout: 90_000 });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await dropFile(page, join(FRAMES, 'scan-2.png'));
  const p = await readProbabilities(page);
  expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  // The dashboard's code loads when it is first opened: offline it comes from the cache too.
  await page.getByRole('button', { name: 'Dashboard', exact: true }).click();
  await expect(page.getByTestId('dashboard')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'How well the model agrees with you' })).toBeVisible();
  await context.setOffline(false);
});

test('the served app is cross-origin isolated and its policy forbids other origins', async ({ page }) => {
  await openApp(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const response = await page.request.get('/');
  expect(response.headers()['content-security-policy']).toContain("connect-src 'self'");
  expect(response.headers()['cross-origin-embedder-policy']).toBe('require-corp');
});

test('a full use of the app requests nothing outside its own origin', async ({ page, baseURL }) => {
  const foreign: string[] = [];
  const own = new URL(baseURL!).origin;
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== own && !['blob:', 'data:'].includes(url.protocol)) foreign.push(request.url());
  });
  await openApp(page);
  await dropFile(page, join(FRAMES, 'scan-1.png'));
  await readProbabilities(page);
  for (const tab of ['Settings', 'Classify'])
    await page.getByRole('button', { name: tab, exact: true }).click();
  expect(foreign).toEqual([]);
});
