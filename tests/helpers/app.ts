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

/**
 * The header is one row: every tab and the model badge sit side by side, no taller than one tab and a margin.
 * From a tablet in portrait (768 px) up, every tab is wholly in sight too (none hidden in the sideways strip).
 */
export async function expectOneRowHeader(page: Page): Promise<void> {
  const viewport = page.viewportSize()!;
  const header = (await page.locator('.app-header').boundingBox())!;
  const tabs = page.locator('.app-header .tab');
  await expect(tabs).toHaveCount(6);
  const first = (await tabs.first().boundingBox())!;
  for (const tab of await tabs.all()) {
    const box = (await tab.boundingBox())!;
    const name = await tab.textContent();
    expect(Math.abs(box.y - first.y), 'tabs on one row').toBeLessThan(2);
    expect(box.height, `${name} is a large target`).toBeGreaterThanOrEqual(44);
    if (viewport.width >= 768) {
      expect(box.x, `${name} left`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${name} right`).toBeLessThanOrEqual(viewport.width);
    }
  }
  if (viewport.width >= 768) {
    const strip = page.locator('.app-header .tabs');
    const hides = await strip.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
    expect(hides, 'the tab strip hides none of its tabs').toBe(false);
  }
  const badge = (await page.getByTestId('model-badge').boundingBox())!;
  expect(badge.y + badge.height, 'badge inside the header row').toBeLessThanOrEqual(header.y + header.height);
  expect(badge.x + badge.width, 'badge inside the window').toBeLessThanOrEqual(viewport.width + 1);
  expect(header.height, 'header height').toBeLessThanOrEqual(first.height + 24);
}
