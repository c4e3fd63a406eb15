// Clips on the Classify screen: a dropped MP4, WebM or multi-frame DICOM gets the clip read-out (sign, four probabilities, frames read and refused, timeline, a chosen moment with its heat map); bad clips get their own message; no patient value reaches the page.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { writeClipFixtures, type ClipFixtures } from './helpers/clipFiles';
import { PATIENT_TAGS } from './helpers/dicomFiles';
import { FRAMES } from './helpers/fixtures';
import { dropFile, expectOnScreen, openApp } from './helpers/app';

let clips: ClipFixtures;
test.beforeAll(async () => {
  // Rendering 6 s of phantom cine and encoding it takes minutes on a busy 2-core machine (once; then cached).
  test.setTimeout(600_000);
  clips = await writeClipFixtures();
});

async function clipProbabilities(page: Page): Promise<number[]> {
  const out: number[] = [];
  for (const id of ['a_lines', 'b_lines', 'pleural_effusion', 'consolidation'])
    out.push(Number(await page.getByTestId(`clip-prob-${id}`).getAttribute('data-value')));
  return out;
}

async function expectClipFrames(page: Page, inClip: number, sampled: number) {
  const counts = page.getByTestId('clip-frames');
  await expect(counts).toBeVisible({ timeout: 90_000 });
  await expect(counts).toHaveAttribute('data-in-clip', String(inClip));
  await expect(counts).toHaveAttribute('data-sampled', String(sampled));
  const read = Number(await counts.getAttribute('data-read'));
  const refused = Number(await counts.getAttribute('data-refused'));
  const unreadable = Number(await counts.getAttribute('data-unreadable'));
  expect(read + refused + unreadable).toBe(sampled);
}

/** Every patient value the DICOM fixtures carry, searched in the page's text, markup and storage. */
async function expectNoPatientValueOnPage(page: Page) {
  const everything = await page.evaluate(() => {
    const storage = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
    return document.documentElement.outerHTML + document.body.innerText + storage + document.title;
  });
  for (const [tag, value] of Object.entries(PATIENT_TAGS))
    for (const part of [value, ...value.split('^')].filter((p) => p.length > 3))
      expect(everything.includes(part), `${tag} (${part}) on the page`).toBe(false);
}

test('a dropped MP4 is read as a clip: every frame, the mean sign, four probabilities, a timeline and the chosen moment with its heat map', async ({
  page,
}) => {
  await openApp(page);
  await dropFile(page, clips.mp4, 'video/mp4');
  await expectClipFrames(page, 30, 30);
  await expect(page.getByTestId('clip-frames')).toContainText('Looked at all 30 frames');
  await expect(page.getByTestId('clip-frames')).toContainText('MP4 video · 2.0 s · 15 frames/s');
  await expect(page.getByTestId('clip-sign')).toHaveAttribute(
    'data-top',
    /^(a_lines|b_lines|pleural_effusion|consolidation)$/,
  );
  const p = await clipProbabilities(page);
  expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-3);
  // The clip's sign is the top of its mean probabilities.
  const top = await page.getByTestId('clip-sign').getAttribute('data-top');
  expect(['a_lines', 'b_lines', 'pleural_effusion', 'consolidation'][p.indexOf(Math.max(...p))]).toBe(top);
  await expect(page.getByTestId('clip-timeline-strip').locator('polyline')).toHaveCount(4);
  await expect(page.getByTestId('heat-overlay')).toBeVisible();

  // Choosing another moment shows that frame, read, with its own heat map.
  const moment = page.getByTestId('clip-moment');
  await moment.fill('0');
  await expect(page.getByTestId('clip-moment-note')).toHaveAttribute('data-index', '0');
  await expect(page.getByTestId('clip-moment-note')).toContainText('Frame 1 of 30 at 0.00 s');
  await moment.fill('29');
  await expect(page.getByTestId('clip-moment-note')).toHaveAttribute('data-index', '29');
  await expect(page.getByTestId('clip-moment-note')).toContainText('at 1.93 s');
  await expect(page.getByTestId('heat-overlay')).toBeVisible();
  // Clicking the strip chooses the moment under the pointer.
  const strip = (await page.getByTestId('clip-timeline-strip').boundingBox())!;
  await page.mouse.click(strip.x + strip.width * 0.5, strip.y + strip.height / 2);
  await expect(page.getByTestId('clip-moment-note')).toHaveAttribute('data-index', /^1[45]$/);
});

test('dropping another file takes the clip and its save panel away at once, before the new file is sniffed', async ({
  page,
}) => {
  await openApp(page);
  await dropFile(page, clips.mp4, 'video/mp4');
  await expectClipFrames(page, 30, 30);
  await expect(page.getByTestId('save-case')).toHaveAttribute('data-kind', 'clip');
  // The drop and the look at the page in one turn of the page's event loop: the sniff of the new file (a read
  // of its bytes) has not finished, so a clip panel still shown here would take a label key meant for the
  // new file and lose it when the new file's view replaces it.
  const shownAfterDrop = await page.evaluate(async () => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(64)], 'next.mp4', { type: 'video/mp4' }));
    for (const type of ['dragenter', 'dragover', 'drop'])
      window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    return {
      clip: document.querySelector('[data-testid="clip-workspace"]') !== null,
      save: document.querySelector('[data-testid="save-case"]') !== null,
    };
  });
  expect(shownAfterDrop).toEqual({ clip: false, save: false });
});

test('a long WebM is read at 64 evenly spaced frames, and says so', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(clips.webm);
  await expectClipFrames(page, 90, 64);
  await expect(page.getByTestId('clip-frames')).toContainText('Looked at 64 evenly spaced frames of 90');
  await expect(page.getByTestId('clip-frames')).toContainText('WebM video · 6.0 s · 15 frames/s');
});

test('a multi-frame DICOM (RLE, with patient tags) is read as a clip; no patient value reaches the page', async ({
  page,
}) => {
  await openApp(page);
  await dropFile(page, clips.dicomRle, 'application/dicom');
  await expectClipFrames(page, 12, 12);
  await expect(page.getByTestId('clip-frames')).toContainText(
    'DICOM Ultrasound Multi-frame Image Storage (RLE lossless, MONOCHROME2) · 0.5 s · 25 frames/s · Phantom Medical · LUS-Synth 2 · C5-1',
  );
  await expect(page.getByTestId('clip-sign')).toBeVisible();
  await expectNoPatientValueOnPage(page);

  // JPEG baseline frames are decoded by the browser's own image decoder.
  await dropFile(page, clips.dicomJpeg, 'application/dicom');
  await expect(page.getByTestId('clip-frames')).toContainText('JPEG baseline, YBR_FULL_422', {
    timeout: 90_000,
  });
  await expectClipFrames(page, 10, 10);
  await expectNoPatientValueOnPage(page);
});

test('a single-frame DICOM reads as a frame', async ({ page }) => {
  await openApp(page);
  await dropFile(page, clips.dicomSingle, 'application/dicom');
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('result-sign')).toBeVisible();
  await expect(page.getByTestId('clip-result')).toHaveCount(0);
  await expect(page.getByTestId('heat-overlay')).toBeVisible();
  await expectNoPatientValueOnPage(page);
});

test('a truncated DICOM and a video with no video track each get their own message, and the app still reads a frame', async ({
  page,
}) => {
  await openApp(page);
  await dropFile(page, clips.dicomTruncated, 'application/dicom');
  await expect(page.getByTestId('input-problem')).toContainText(/truncated/, { timeout: 60_000 });
  await expect(page.getByTestId('clip-result')).toHaveCount(0);
  await dropFile(page, clips.audioOnly, 'video/mp4');
  await expect(page.getByTestId('input-problem')).toContainText(
    /has no video this browser can decode \(it holds sound only\)\. Export the clip as MP4 \(H\.264\) or WebM\./,
    { timeout: 60_000 },
  );
  await expect(page.getByTestId('clip-result')).toHaveCount(0);
  await dropFile(page, join(FRAMES, 'scan-1.png'));
  await expect(page.getByTestId('result')).toBeVisible();
  await expect(page.getByTestId('input-problem')).toHaveCount(0);
});

test('a clip whose frames the input gate refuses is refused as a clip, with the reason and the way to see it anyway', async ({
  page,
}) => {
  await openApp(page);
  await dropFile(page, clips.dicomNoise, 'application/dicom');
  await expect(page.getByTestId('clip-gate-refusal')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('clip-gate-reason')).toContainText(
    'Only 0 of 6 frames passed the input check: this clip is not read.',
  );
  await expect(page.getByTestId('clip-gate-reason')).toContainText('random noise');
  await expect(page.getByTestId('clip-frames')).toHaveAttribute('data-refused', '6');
  await expect(page.getByTestId('clip-sign')).toHaveCount(0);
  await page.getByTestId('clip-gate-reveal').click();
  await expect(page.getByTestId('clip-result')).toHaveAttribute('data-gate', 'refused');
  await expect(page.getByTestId('clip-probability')).toContainText('(unreliable)');
  // Refused frames are shaded on the timeline, and the chosen one says so.
  await expect(page.locator('[data-testid^="timeline-refused-"]')).toHaveCount(6);
  await expect(page.getByTestId('clip-moment-note')).toContainText('refused by the input check');
});

for (const size of [
  { width: 800, height: 1280, name: 'portrait' },
  { width: 1440, height: 900, name: 'landscape' },
]) {
  test(`${size.name} ${size.width}×${size.height}: the clip's sign and probability on screen without scrolling`, async ({
    page,
  }, info) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    await openApp(page);
    await dropFile(page, clips.mp4, 'video/mp4');
    await expectClipFrames(page, 30, 30);
    await page.evaluate(() => window.scrollTo(0, 0));
    for (const id of ['clip-sign', 'clip-probability']) await expectOnScreen(page, id);
    await page.screenshot({ path: info.outputPath(`clip-${size.width}x${size.height}.png`) });
    await page.screenshot({ path: join('test-results', `clip-${size.width}x${size.height}.png`) });
  });
}
