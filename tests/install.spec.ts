// Tablet use: the Home Screen hint on iPhone/iPad Safari, and touch-sized controls in portrait and landscape.

import { test, expect, type Page } from '@playwright/test';
import { openApp } from './helpers/app';

const IPAD_SAFARI =
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

test.describe('iPad Safari tab', () => {
  test.use({ userAgent: IPAD_SAFARI, viewport: { width: 820, height: 1180 }, hasTouch: true });

  test('tells the user to add the app to the Home Screen, and remembers "Got it"', async ({ page }) => {
    await openApp(page);
    const hint = page.getByTestId('home-screen-hint');
    await expect(hint).toContainText('Add to Home Screen');
    await expect(hint).toContainText('7 days');
    await hint.getByRole('button', { name: 'Got it' }).click();
    await expect(hint).toBeHidden();
    await openApp(page);
    await expect(page.getByTestId('home-screen-hint')).toBeHidden();
  });
});

test('desktop Chromium shows no Home Screen hint', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('model-badge')).toBeVisible();
  await expect(page.getByTestId('home-screen-hint')).toBeHidden();
});

/** Every visible button, tab and labelled control is at least 44 px high, and nothing overflows sideways. */
async function checkTouchLayout(page: Page, where: string): Promise<void> {
  const small = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, [role="tab"], select, a[href]')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.height < 44) out.push(`${el.textContent?.trim().slice(0, 40) || el.tagName} (${box.height}px)`);
    }
    return out;
  });
  expect(small, `controls under 44 px on ${where}`).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow on ${where}`).toBeLessThanOrEqual(0);
}

for (const [name, viewport] of [
  ['portrait tablet', { width: 768, height: 1024 }],
  ['landscape tablet', { width: 1024, height: 768 }],
] as const) {
  test(`${name}: every screen has touch-sized controls and fits the width`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await openApp(page);
    for (const screen of ['Classify', 'Capture', 'Batch', 'Cases', 'Dashboard', 'Settings']) {
      await page.getByRole('button', { name: screen, exact: true }).click();
      await page.waitForTimeout(200);
      await checkTouchLayout(page, `${screen} (${name})`);
      await page.screenshot({ path: `test-results/tablet-${name.replace(' ', '-')}-${screen}.png` });
    }
  });
}
