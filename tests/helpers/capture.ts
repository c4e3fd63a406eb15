// Shared steps for capture specs: fake-camera launch flags, a browser per clip, the capture screen's controls.
import { expect, type Browser, type Page } from '@playwright/test';
import config from '../../playwright.config';
import { openApp } from './app';

export const baseLaunch = config.use?.launchOptions ?? {};
export const baseArgs = baseLaunch.args ?? [];

/** Chromium plays `file` (a .y4m clip) as a camera and grants access without a prompt. */
export const fakeCamera = (file: string): string[] => [
  ...baseArgs,
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  `--use-file-for-fake-video-capture=${file}`,
];

export type PlaywrightFixture = { chromium: { launch: (o: object) => Promise<Browser> } };

/** A page in a browser launched with other camera flags (another clip, denied access, no camera). */
export async function pageWith(
  playwright: PlaywrightFixture,
  baseURL: string | undefined,
  args: string[],
): Promise<{ page: Page; close: () => Promise<void> }> {
  const browser = await playwright.chromium.launch({ ...baseLaunch, args });
  const context = await browser.newContext({ baseURL, serviceWorkers: 'block' });
  const page = await context.newPage();
  return { page, close: () => browser.close() };
}

export async function openCapture(
  page: Page,
  options: { model?: string; backend?: string } = {},
): Promise<void> {
  await openApp(page, options);
  await page.getByRole('button', { name: 'Capture', exact: true }).click();
}

export async function startCapture(page: Page): Promise<void> {
  // Once in a CI run (a fresh browser loading the 117 MB default model) the click left the screen as it was,
  // with no error: press again while the button is still there and enabled, as a user would.
  await expect(async () => {
    const start = page.getByTestId('capture-start');
    if ((await start.isVisible()) && (await start.isEnabled())) await start.click();
    await expect(page.getByTestId('capture-video')).toBeVisible({ timeout: 15_000 });
  }).toPass({ timeout: 90_000 });
}

/** The live image region, once found, in the frame's pixels. */
export async function liveRoi(page: Page) {
  await expect(page.getByTestId('roi-status')).toHaveAttribute('data-state', 'found', { timeout: 30_000 });
  const text = await page.getByTestId('capture-live').getByTestId('crop-rect').getAttribute('aria-valuetext');
  const [x, y, width, height] = (text ?? '').match(/\d+/g)!.map(Number);
  return { x: x!, y: y!, width: width!, height: height! };
}
