// On a ward tablet (portrait and landscape) and a phone, the answer is on screen as soon as a frame is read,
// without scrolling, and the header stays one compact row with every tab in sight on a tablet.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FRAMES } from './helpers/fixtures';
import { dropFile, expectOnScreen, expectOneRowHeader, openApp } from './helpers/app';
import { fakeCamera, liveRoi, openCapture, baseLaunch, startCapture } from './helpers/capture';
import { signClip } from './helpers/captureClips';

// 768×1024 is the narrowest and shortest common tablet in portrait.
const SIZES = [
  { width: 768, height: 1024, name: 'portrait tablet' },
  { width: 1180, height: 820, name: 'landscape tablet' },
  { width: 390, height: 844, name: 'phone' },
];

test.use({ launchOptions: { ...baseLaunch, args: fakeCamera(signClip('a_lines').path) } });

for (const size of SIZES) {
  test.describe(`${size.name} ${size.width}×${size.height}`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test('Classify: sign, probability and low-confidence notice on screen right after reading', async ({
      page,
    }) => {
      await openApp(page);
      await expectOneRowHeader(page);
      // scan-3 reads below the test model's 50% threshold, with a close runner-up: the longest read-out.
      await dropFile(page, join(FRAMES, 'scan-3.png'));
      await expect(page.getByTestId('low-confidence')).toBeVisible();
      await expect(page.getByTestId('result-sign')).toHaveText(/^B-lines, possibly Pleural effusion$/);
      for (const id of ['result-sign', 'result-probability', 'low-confidence'])
        await expectOnScreen(page, id);
      // A sign's name never breaks inside itself ("B-" / "lines") however narrow the screen.
      const signs = page.getByTestId('result-sign').locator('.nowrap');
      await expect(signs).toHaveCount(2);
      for (const sign of await signs.all()) {
        await expect(sign).toHaveCSS('white-space', 'nowrap');
        expect(await sign.evaluate((el) => el.getClientRects().length)).toBe(1);
      }
      await expectOneRowHeader(page);
    });

    test('Capture: the live read-out, then the frozen frame’s read-out, on screen', async ({ page }) => {
      await openCapture(page);
      await expectOneRowHeader(page);
      await startCapture(page);
      await liveRoi(page);
      await expect(page.getByTestId('live-readout')).toHaveAttribute('data-state', 'reading', {
        timeout: 60_000,
      });
      await expectOnScreen(page, 'live-sign');
      await expectOnScreen(page, 'live-prob-a_lines');
      await page.getByTestId('freeze').click();
      await expect(page.getByTestId('result')).toBeVisible({ timeout: 60_000 });
      await page.evaluate(() => window.scrollTo(0, 0));
      for (const id of ['result-sign', 'result-probability']) await expectOnScreen(page, id);
      if (await page.getByTestId('low-confidence').count()) await expectOnScreen(page, 'low-confidence');
      await expectOneRowHeader(page);
    });
  });
}
