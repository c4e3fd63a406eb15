// Shared steps for browser specs: open the app with a model and backend, drop a file, read the result.

import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export async function openApp(page: Page, options: { model?: string; backend?: string } = {}): Promise<void> {
  const params = new URLSearchParams();
  params.set('model', options.model ?? 'fixture-tiny');
  if (options.backend) params.set('backend', options.backend);
  await page.goto(`/?${params.toString()}`);
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
}

/** Drops a file onto the page the way a user drags one from the desktop. */
export async function dropFile(page: Page, path: string, mime = 'image/png'): Promise<void> {
  // Base64, not an array of numbers: Playwright validates an array element by element, which cost the
  // test runner seconds of CPU for each clip dropped.
  const base64 = readFileSync(path).toString('base64');
  const dataTransfer = await page.evaluateHandle(
    ({ base64, name, mime }) => {
      const dt = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], name, { type: mime }));
      return dt;
    },
    { base64, name: basename(path), mime },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent('body', type, { dataTransfer });
  }
}

export async function readProbabilities(page: Page): Promise<Record<string, number>> {
  await expect(page.getByTestId('result')).toBeVisible();
  const out: Record<string, number> = {};
  for (const id of ['a_lines', 'b_lines', 'pleural_effusion', 'consolidation']) {
    out[id] = Number(await page.getByTestId(`prob-${id}`).getAttribute('data-value'));
  }
  return out;
}

/**
 * Whether an element is wholly on screen without scrolling: inside the window, below the header and above
 * the fixed safety line (which covers the bottom of the window).
 */
export async function expectOnScreen(page: Page, testId: string): Promise<void> {
  const viewport = page.viewportSize()!;
  const box = await page.getByTestId(testId).boundingBox();
  const footer = await page.getByTestId('safety-line').boundingBox();
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(box, `${testId} is laid out`).not.toBeNull();
  expect(scrolled, 'the page has not been scrolled').toBe(0);
  expect(box!.y, `${testId} top`).toBeGreaterThanOrEqual(0);
  expect(box!.x, `${testId} left`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${testId} right`).toBeLessThanOrEqual(viewport.width);
  const bottom = Math.min(viewport.height, footer ? footer.y : viewport.height);
  expect(box!.y + box!.height, `${testId} bottom (visible area ends at ${bottom})`).toBeLessThanOrEqual(
    bottom,
  );
}

/** The header is one row: every tab and the model badge sit side by side, no taller than one tab and a margin. */
export async function expectOneRowHeader(page: Page): Promise<void> {
  const header = (await page.locator('.app-header').boundingBox())!;
  const tabs = page.locator('.app-header .tab');
  const first = (await tabs.first().boundingBox())!;
  for (const tab of await tabs.all()) {
    const box = await tab.boundingBox();
    if (box) expect(Math.abs(box.y - first.y), 'tabs on one row').toBeLessThan(2);
  }
  const badge = (await page.getByTestId('model-badge').boundingBox())!;
  expect(badge.y + badge.height, 'badge inside the header row').toBeLessThanOrEqual(header.y + header.height);
  expect(header.height, 'header height').toBeLessThanOrEqual(first.height + 24);
}
