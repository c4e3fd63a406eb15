// App updates: a new version is announced, applied only on consent, and held while long work runs.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp } from './helpers/app';

test.use({ serviceWorkers: 'allow' });

const SW = join(import.meta.dirname, '..', process.env.LUS_DIST ?? 'dist', 'sw.js');

let release = 0;

/**
 * Publishes a "new version": one character of a precache revision changes (same length, because the preview
 * server remembers file sizes), then the page checks for an update as browsers do periodically.
 */
function publishOnDisk() {
  const text = readFileSync(SW, 'utf8');
  const at = text.indexOf('revision:"') + 'revision:"'.length;
  const digit = '0123456789abcdef'[(parseInt(text[at]!, 16) + 1 + release++) % 16]!;
  writeFileSync(SW, text.slice(0, at) + digit + text.slice(at + 1));
}

async function publishNewVersion(page: Page) {
  publishOnDisk();
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration?.update();
  });
}

test.describe('update prompt', () => {
  let original = '';
  test.beforeEach(() => {
    original = readFileSync(SW, 'utf8');
  });
  test.afterEach(() => {
    writeFileSync(SW, original);
  });

  test('"Later" puts the prompt away without reloading', async ({ page }) => {
    await openApp(page);
    await expect(page.getByTestId('offline-status')).toContainText('Ready offline', { timeout: 90_000 });
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
    await publishNewVersion(page);
    const prompt = page.getByTestId('update-prompt');
    await expect(prompt).toBeVisible({ timeout: 60_000 });
    await prompt.getByRole('button', { name: 'Later' }).click();
    await expect(prompt).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
  });

  test('a new version found when the app opens waits for consent, and "Update now" reloads into it', async ({
    page,
  }) => {
    await openApp(page);
    await expect(page.getByTestId('offline-status')).toContainText('Ready offline', { timeout: 90_000 });
    publishOnDisk();
    // Opening the app again finds the new version while registering its service worker.
    await page.reload();
    const prompt = page.getByTestId('update-prompt');
    await expect(prompt).toBeVisible({ timeout: 60_000 });
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.waitForTimeout(2000);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await Promise.all([
      page.waitForEvent('load'),
      prompt.getByRole('button', { name: 'Update now' }).click(),
    ]);
    await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);
  });
});
