// Heat maps and the input gate in the browser: a lung frame gets an aligned heat map with controls; a photograph and a Doppler frame are refused with their reason, probabilities only on request.
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateNegativeFrame, generatePhantom } from '../src/synth';
import { GENERATED, encodeGreyPng, encodeRgbaPng } from './helpers/fixtures';
import { dropFile, openApp } from './helpers/app';
import { openLibraryApp, openTab, saveFrameAsCase } from './helpers/caseLibrary';

const DIR = join(GENERATED, 'explain');
const SHOTS = process.env.LUS_SHOTS;

test.beforeAll(() => {
  mkdirSync(DIR, { recursive: true });
  const lung = generatePhantom({ classId: 'b_lines', width: 480, height: 360, seed: 4242, overlays: false });
  writeFileSync(join(DIR, 'b-lines.png'), encodeGreyPng(lung.image));
  for (const kind of ['colour-photo', 'colour-doppler', 'text-screenshot'] as const) {
    const img = generateNegativeFrame(kind, 480, 360, 17);
    writeFileSync(join(DIR, `${kind}.png`), encodeRgbaPng(img.width, img.height, new Uint8Array(img.data)));
  }
});

test('a lung frame passes the gate and shows a heat map with per-sign toggles and an opacity slider', async ({
  page,
}) => {
  await openApp(page);
  await dropFile(page, join(DIR, 'b-lines.png'));
  await expect(page.getByTestId('result')).toHaveAttribute('data-gate', 'passed');
  const overlay = page.getByTestId('heat-overlay');
  await expect(overlay).toBeVisible();
  await expect(page.getByTestId('heat-controls')).toBeVisible();
  // The overlay covers the frame exactly, so cells line up with the crop drawn in the editor.
  const frameBox = await page.locator('.crop-editor').boundingBox();
  const overlayBox = await overlay.boundingBox();
  expect(Math.abs(frameBox!.width - overlayBox!.width)).toBeLessThan(1.5);
  expect(Math.abs(frameBox!.y - overlayBox!.y)).toBeLessThan(1.5);
  // Something is drawn inside the crop, nothing outside it.
  const drawn = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="heat-overlay"]')!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let lit = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) lit++;
    return lit;
  });
  expect(drawn).toBeGreaterThan(0);
  const top = (await page.getByTestId('result-sign').getAttribute('data-top'))!;
  await expect(overlay).toHaveAttribute('data-classes', top);
  const other = top === 'b_lines' ? 'a_lines' : 'b_lines';
  await page.getByTestId(`heat-class-${other}`).click();
  await expect(overlay).toHaveAttribute('data-classes', other); // the chips switch signs, they do not add
  await page.getByTestId('heat-opacity').fill('80');
  await expect(overlay).toHaveCSS('opacity', '0.8');
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'heat-map.png'), fullPage: true });
  await page.getByTestId('heat-shown').uncheck();
  await expect(overlay).toBeHidden();
});

test('a colour photograph is refused with its reason; probabilities appear only on request, marked unreliable', async ({
  page,
}) => {
  await openApp(page);
  await dropFile(page, join(DIR, 'colour-photo.png'));
  await expect(page.getByTestId('gate-refusal')).toBeVisible();
  await expect(page.getByTestId('gate-reason')).toHaveText(/looks like a colour photograph/);
  await expect(page.getByTestId('prob-b_lines')).toHaveCount(0);
  await expect(page.getByTestId('heat-overlay')).toHaveCount(0);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'refused-photo.png'), fullPage: true });
  await page.getByTestId('gate-reveal').click();
  await expect(page.getByTestId('unreliable')).toBeVisible();
  await expect(page.getByTestId('prob-b_lines')).toBeVisible();
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'refused-revealed.png'), fullPage: true });
});

test('a frame under a colour Doppler box and a form screenshot are refused, each saying why', async ({
  page,
}) => {
  await openApp(page);
  await dropFile(page, join(DIR, 'colour-doppler.png'));
  await expect(page.getByTestId('gate-reason')).toHaveText(
    'Colour overlay present; freeze a plain B-mode frame.',
  );
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'refused-doppler.png'), fullPage: true });
  await dropFile(page, join(DIR, 'text-screenshot.png'));
  // A form is refused either by the gate or, when no image region is found at all, as bad input.
  await expect(page.getByTestId('gate-reason').or(page.getByTestId('input-problem'))).toContainText(
    /screenshot of text|No ultrasound image found/,
  );
});

test('a stored case shows where the current model looks, on request', async ({ page }) => {
  await openLibraryApp(page);
  await saveFrameAsCase(page, join(DIR, 'b-lines.png'), '2', { reader: 'AB', exam: 'HEAT-1' });
  await openTab(page, 'Cases');
  await page.locator('[data-testid="case-card"][data-source="b-lines.png"] .case-open').first().click();
  const detail = page.getByTestId('case-detail');
  await expect(detail.getByTestId('heat-overlay')).toHaveCount(0);
  await detail.getByTestId('case-explain').click();
  await expect(detail.getByTestId('heat-overlay')).toBeVisible();
  await expect(detail.getByTestId('heat-controls')).toBeVisible();
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'case-heat-map.png'), fullPage: true });
});
