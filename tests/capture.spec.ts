// Capture screen end to end on Chromium's fake camera playing generator clips of a fake scanner screen:
// devices, image region within 8 px, continuous reading that never queues, freeze and save, scanner states,
// and the errors a user can act on (permission denied, unplugged, unsupported resolution, no camera).
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import {
  baseArgs,
  baseLaunch,
  fakeCamera,
  liveRoi,
  openCapture,
  pageWith,
  startCapture,
} from './helpers/capture';
import { scannerStatesClip, signClip } from './helpers/captureClips';

const SHOTS = process.env.LUS_SHOTS;
const aLines = signClip('a_lines');
// Playwright allows launch options only per file; the other cameras get browsers of their own below.
test.use({ launchOptions: { ...baseLaunch, args: fakeCamera(aLines.path) } });

test.describe('capture from a fake scanner (A-lines clip)', () => {
  test('finds the image within 8 px, reads continuously without queueing, and remembers card settings', async ({
    page,
  }) => {
    await openCapture(page);
    await expect(page.getByTestId('capture-device').locator('option')).not.toHaveCount(0);
    await page.getByTestId('capture-resolution').selectOption('640x480');
    await startCapture(page);
    // After access is granted the card is listed by name.
    await expect(page.getByTestId('capture-device').locator('option:checked')).not.toHaveText(
      /name shown after/,
    );
    await expect(page.getByTestId('roi-status')).toContainText('Finding the ultrasound image');
    const roi = await liveRoi(page);
    const truth = aLines.imageRect;
    const error = Math.max(
      Math.abs(roi.x - truth.x),
      Math.abs(roi.y - truth.y),
      Math.abs(roi.x + roi.width - (truth.x + truth.width)),
      Math.abs(roi.y + roi.height - (truth.y + truth.height)),
    );
    console.log(`ROI found ${JSON.stringify(roi)}, generator ${JSON.stringify(truth)}: ${error} px`);
    expect(error).toBeLessThanOrEqual(8);

    // Continuous mode: read-outs keep coming, and frames the model has no time for are dropped, not queued.
    const stats = page.getByTestId('live-stats');
    await expect(stats).toHaveAttribute('data-classified', /^([5-9]|\d\d+)$/, { timeout: 60_000 });
    await expect(page.getByTestId('live-readout')).toHaveAttribute('data-state', 'reading');
    await expect(page.getByTestId('live-sign')).toHaveAttribute(
      'data-top',
      /^(a_lines|b_lines|pleural_effusion|consolidation)$/,
    );
    await expect(page.getByTestId('confidence-trend')).toBeVisible();
    const sum = await Promise.all(
      ['a_lines', 'b_lines', 'pleural_effusion', 'consolidation'].map(async (id) =>
        Number(await page.getByTestId(`live-prob-${id}`).getAttribute('data-value')),
      ),
    );
    expect(Math.abs(sum.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-3);
    // Never more read-outs than video frames. Whether any are dropped depends on the machine: the tiny test
    // model can keep up with 15 frames/s on an idle CPU, and then there is nothing to drop.
    const perSecond = Number(await stats.getAttribute('data-per-second'));
    const videoPerSecond = Number(await stats.getAttribute('data-video-per-second'));
    expect(perSecond).toBeLessThanOrEqual(videoPerSecond * 1.1 + 0.5);
    // The rates cover the last 3 s, which at first include frames from before the model started reading
    // (not dropped: nothing was in flight). Once the window is past that, the read-outs either keep up
    // with the video or the frames skipped are counted.
    await expect
      .poll(
        async () => {
          const read = Number(await stats.getAttribute('data-per-second'));
          const video = Number(await stats.getAttribute('data-video-per-second'));
          return read >= 0.8 * video || Number(await stats.getAttribute('data-dropped')) > 0;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    // Never behind: the model is never asked for more than one frame at a time, so read-outs lag by one
    // model run at most; the count of read-outs grows while frames are dropped.
    const before = Number(await stats.getAttribute('data-classified'));
    await expect
      .poll(async () => Number(await stats.getAttribute('data-classified')), { timeout: 30_000 })
      .toBeGreaterThan(before);

    // The user moves the region with the keyboard; it is remembered for this card with the resolution.
    const box = page.getByTestId('capture-live').getByTestId('crop-rect');
    await box.focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('roi-status')).toContainText('set by you');
    const moved = await liveRoi(page);
    expect(moved.x).toBeGreaterThan(roi.x);
    await page.reload();
    await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Capture', exact: true }).click();
    await expect(page.getByTestId('capture-resolution')).toHaveValue('640x480');
    await startCapture(page);
    await expect(page.getByTestId('roi-status')).toContainText('set by you');
    expect(await liveRoi(page)).toEqual(moved);
  });

  test('Space freezes the frame, reads it at full resolution, and saves it as a case', async ({ page }) => {
    await openCapture(page);
    await startCapture(page);
    await liveRoi(page);
    await expect(page.getByTestId('freeze')).toBeEnabled();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await expect(page.getByTestId('capture-frozen')).toBeVisible();
    await expect(page.getByTestId('result')).toBeVisible({ timeout: 60_000 });
    // The frozen frame shows where the model looked, over its crop, with the same controls as Classify.
    const frozenView = page.getByTestId('capture-frozen');
    const overlay = frozenView.getByTestId('heat-overlay');
    await expect(overlay).toBeVisible();
    await expect(page.getByTestId('heat-controls')).toBeVisible();
    const lit = await overlay.evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    expect(lit).toBeGreaterThan(0);
    const editorBox = (await frozenView.locator('.crop-editor').boundingBox())!;
    const overlayBox = (await overlay.boundingBox())!;
    expect(Math.abs(editorBox.width - overlayBox.width)).toBeLessThan(1.5);
    expect(Math.abs(editorBox.height - overlayBox.height)).toBeLessThan(1.5);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'capture-frozen-heat.png'), fullPage: true });
    await page.getByTestId('heat-shown').uncheck();
    await expect(overlay).toHaveCount(0);
    await page.getByTestId('heat-shown').check();
    await expect(frozenView.getByTestId('heat-overlay')).toBeVisible();
    // The label keys below must reach the page, not the checkbox.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.screenshot({ path: test.info().outputPath('frozen.png') });
    // Full resolution: the frozen frame is the card's whole 640×480 picture, read inside the live region.
    const crop = await page
      .getByTestId('capture-frozen')
      .getByTestId('crop-rect')
      .getAttribute('aria-valuetext');
    const [, , w] = (crop ?? '').match(/\d+/g)!.map(Number);
    expect(Math.abs(w! - aLines.imageRect.width)).toBeLessThanOrEqual(8);
    await page.keyboard.press('1');
    await page.getByTestId('reader-initials').fill('AB');
    await page.getByTestId('exam-id').fill('EX-2024-17');
    await page.getByTestId('zone').selectOption('blue-R-upper');
    await page.getByTestId('save-case-button').click();
    await expect(page.getByTestId('save-outcome')).toContainText('Saved as A-lines');
    await page.getByTestId('back-to-live').click();
    await expect(page.getByTestId('capture-live')).toBeVisible();
    const stats = page.getByTestId('live-stats');
    const before = Number(await stats.getAttribute('data-classified'));
    // Live reading resumes after the freeze.
    await expect
      .poll(async () => Number(await stats.getAttribute('data-classified')), { timeout: 30_000 })
      .toBeGreaterThan(before);
    await page.getByRole('button', { name: 'Cases', exact: true }).click();
    const card = page.getByTestId('case-card');
    await expect(card).toHaveCount(1);
    await expect(card).toHaveAttribute('data-source', /^Capture /);
    await expect(card).toContainText('EX-2024-17');
  });

  test('Record clip: 2 s of the live region get the clip read-out and are saved as one clip case', async ({
    page,
  }, info) => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await openCapture(page, { backend: 'wasm' });
    await page.getByTestId('capture-resolution').selectOption('640x480');
    await startCapture(page);
    const roi = await liveRoi(page);
    await page.getByTestId('clip-length-2').click();
    await expect(page.getByTestId('clip-length-2')).toHaveAttribute('aria-checked', 'true');
    await expect(page.getByTestId('record-clip')).toHaveText('Record 2 s clip');
    await page.screenshot({ path: info.outputPath('capture-record-820x1180.png') });
    await page.getByTestId('record-clip').click();
    // 2 s at 15 frames/s: 30 frames of the live region, every one read, with the same read-out as a dropped clip.
    const counts = page.getByTestId('clip-frames');
    await expect(counts).toBeVisible({ timeout: 90_000 });
    await expect(counts).toHaveAttribute('data-in-clip', '30');
    await expect(counts).toHaveAttribute('data-sampled', '30');
    const read = Number(await counts.getAttribute('data-read'));
    const refused = Number(await counts.getAttribute('data-refused'));
    expect(read + refused + Number(await counts.getAttribute('data-unreadable'))).toBe(30);
    await expect(counts).toContainText('Recorded from the capture card');
    await expect(page.getByTestId('clip-read-by')).toContainText('read by model fixture-tiny v');
    await expect(page.getByTestId('clip-backend')).toHaveText('WASM');
    await expect(page.getByTestId('capture-clip')).toBeVisible();
    await expect(page.getByTestId('capture-live')).toBeHidden();
    await expect(page.getByTestId('clip-timeline-strip').locator('polyline')).toHaveCount(4);
    if (read >= 15) await expect(page.getByTestId('clip-sign')).toHaveAttribute('data-top', /^[a-z_]+$/);
    // Saved as a frame would be: a label key, initials, exam.
    await expect(page.getByTestId('save-case')).toHaveAttribute('data-kind', 'clip');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('1');
    await page.getByTestId('reader-initials').fill('AB');
    await page.getByTestId('exam-id').fill('EX-REC-1');
    await page.screenshot({ path: info.outputPath('capture-clip-820x1180.png'), fullPage: true });
    await page.getByTestId('save-case-button').click();
    await expect(page.getByTestId('save-outcome')).toContainText(
      'a clip of 30 frames, the scan region only',
      {
        timeout: 60_000,
      },
    );
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: info.outputPath('capture-clip-1440x900.png') });
    // Space goes back to live, as after a freeze.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await expect(page.getByTestId('capture-live')).toBeVisible();
    await expect(page.getByTestId('capture-clip')).toHaveCount(0);

    await page.getByRole('button', { name: 'Cases', exact: true }).click();
    const card = page.getByTestId('case-card');
    await expect(card).toHaveCount(1);
    await expect(card).toHaveAttribute('data-kind', 'clip');
    await expect(card).toHaveAttribute('data-source', /^Clip from /);
    await expect(card.getByTestId('case-clip-badge')).toContainText('Clip · 30 frames');
    await card.locator('.case-open').click();
    // Only the image region is kept: the stored frames are the live region, at most 512 px a side.
    await expect(page.getByTestId('case-clip-note')).toContainText('30 stored frames of 30');
    const side = Math.min(1, 512 / Math.max(roi.width, roi.height));
    await expect(page.getByTestId('case-detail').locator('figcaption')).toContainText(
      `Scan region only, ${Math.round(roi.width * side)}×${Math.round(roi.height * side)} px`,
    );
  });

  test('unplugging the card (track ended) and a stopped track both say what to do', async ({ page }) => {
    await openCapture(page);
    await startCapture(page);
    await page.evaluate(() => {
      const video = document.querySelector('video')!;
      (video.srcObject as MediaStream).getVideoTracks()[0]!.dispatchEvent(new Event('ended'));
    });
    const problem = page.getByTestId('capture-problem');
    await expect(problem).toHaveAttribute('data-code', 'device-ended');
    await expect(problem).toContainText('unplugged');
    await startCapture(page);
    await expect(problem).toHaveCount(0);
    await page.evaluate(() => {
      const video = document.querySelector('video')!;
      (video.srcObject as MediaStream).getVideoTracks()[0]!.stop();
    });
    await expect(problem).toHaveAttribute('data-code', 'device-ended');
  });

  test('a resolution the card does not offer is named, and another one works', async ({ page }) => {
    await openCapture(page);
    await page.getByTestId('capture-resolution').selectOption('1920x1080');
    await page.getByTestId('capture-start').click();
    const problem = page.getByTestId('capture-problem');
    await expect(problem).toHaveAttribute('data-code', 'unsupported-resolution');
    await expect(problem).toContainText('does not offer 1920×1080');
    await page.getByTestId('capture-resolution').selectOption('native');
    await startCapture(page);
    await expect(problem).toHaveCount(0);
    // Once the card is open, sizes beyond what it reports are marked in the menu.
    await expect(page.getByTestId('capture-resolution').locator('option[value="1920x1080"]')).toContainText(
      'cannot send',
    );
    await expect(page.getByTestId('capture-resolution').locator('option[value="640x480"]')).not.toContainText(
      'cannot send',
    );
  });
});

test.describe('capture from a scanner that freezes and goes blank', () => {
  test('says "image frozen on the scanner" and "no ultrasound image" when they happen', async ({
    playwright,
    baseURL,
  }) => {
    const { page, close } = await pageWith(playwright, baseURL, fakeCamera(scannerStatesClip().path));
    try {
      await openCapture(page);
      await startCapture(page);
      await liveRoi(page);
      const readout = page.getByTestId('live-readout');
      await expect(readout).toHaveAttribute('data-state', 'frozen', { timeout: 30_000 });
      await expect(page.getByTestId('live-sign')).toHaveText('Image frozen on the scanner');
      await page.screenshot({ path: test.info().outputPath('scanner-frozen.png') });
      await expect(readout).toHaveAttribute('data-state', 'no-image', { timeout: 30_000 });
      await expect(page.getByTestId('live-sign')).toHaveText('No ultrasound image');
      await page.screenshot({ path: test.info().outputPath('no-image.png') });
      // …and the live image comes back.
      await expect(readout).toHaveAttribute('data-state', /reading|waiting/, { timeout: 30_000 });
    } finally {
      await close();
    }
  });
});

test.describe('capture errors a user can act on', () => {
  test('camera access denied: says how to allow the camera', async ({ playwright, baseURL }) => {
    const { page, close } = await pageWith(playwright, baseURL, [
      ...baseArgs,
      '--use-fake-device-for-media-stream',
      // Chromium's fake permission prompt answers "block", as a user who tapped Block would.
      '--use-fake-ui-for-media-stream=deny',
      `--use-file-for-fake-video-capture=${aLines.path}`,
    ]);
    try {
      await openCapture(page);
      await page.getByTestId('capture-start').click();
      const problem = page.getByTestId('capture-problem');
      await expect(problem).toHaveAttribute('data-code', 'permission-denied');
      await expect(problem).toContainText('Allow the camera');
    } finally {
      await close();
    }
  });

  test('no video input at all: says to plug in the capture card', async ({ playwright, baseURL }) => {
    const { page, close } = await pageWith(playwright, baseURL, [
      ...baseArgs,
      '--use-fake-ui-for-media-stream',
    ]);
    try {
      await openCapture(page);
      const problem = page.getByTestId('capture-problem');
      await expect(problem).toHaveAttribute('data-code', 'no-camera');
      await page.getByTestId('capture-start').click();
      await expect(problem).toHaveAttribute('data-code', 'no-camera');
      await expect(problem).toContainText('Plug the capture card');
    } finally {
      await close();
    }
  });
});
