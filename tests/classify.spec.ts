// Classify a dropped frame end to end: probabilities, backends, and every kind of bad input.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FRAMES } from './helpers/fixtures';
import { dropFile, openApp, readProbabilities } from './helpers/app';

const frame = (name: string) => join(FRAMES, name);

test('a dropped PNG gets four probabilities that sum to 1, with the backend named', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('test-model-flag')).toBeVisible();
  await dropFile(page, frame('scan-1.png'));
  const p = await readProbabilities(page);
  const sum = Object.values(p).reduce((a, b) => a + b, 0);
  expect(Math.abs(sum - 1)).toBeLessThan(1e-3);
  for (const v of Object.values(p)) expect(v).toBeGreaterThanOrEqual(0);
  await expect(page.getByTestId('result-backend')).toHaveText(/WASM|WEBGL|WEBGPU/);
  await expect(page.getByTestId('result-meta')).toContainText('fixture-tiny v1.0.0');
  await expect(page.getByTestId('safety-line')).toContainText('do not exclude pneumothorax');
});

test('with no forcing, the software GPU is skipped and WASM is chosen', { tag: '@gpu' }, async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('backend')).toHaveText('WASM');
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('probe-webgpu')).toContainText(/software only|no/);
  await expect(page.getByTestId('probe-webgl')).toContainText(/software only|no/);
});

test(
  'forcing webgpu, webgl and wasm gives the same probabilities within 1e-3',
  { tag: '@gpu' },
  async ({ page }) => {
    const results: Record<string, Record<string, number>> = {};
    for (const backend of ['wasm', 'webgl', 'webgpu']) {
      await openApp(page, { backend });
      await expect(page.getByTestId('backend')).toHaveText(backend.toUpperCase());
      await dropFile(page, frame('scan-2.png'));
      results[backend] = await readProbabilities(page);
      await expect(page.getByTestId('result-backend')).toHaveText(backend.toUpperCase());
    }
    for (const backend of ['webgl', 'webgpu']) {
      for (const id of Object.keys(results.wasm!)) {
        expect(Math.abs(results[backend]![id]! - results.wasm![id]!), `${backend} ${id}`).toBeLessThan(1e-3);
      }
    }
  },
);

const badInputs: Array<[string, RegExp]> = [
  ['empty.png', /empty \(0 bytes\)/],
  ['notes.png', /not an image: it looks like a text file/],
  ['truncated.png', /truncated|damaged/],
  ['tiny.png', /only 20×20 pixels/],
  ['uniform.png', /almost uniform/],
];

test('each bad input shows its own message and a good frame afterwards still classifies', async ({
  page,
}) => {
  await openApp(page);
  for (const [name, message] of badInputs) {
    await dropFile(page, frame(name));
    await expect(page.getByTestId('input-problem')).toContainText(message);
    await expect(page.getByTestId('result')).toHaveCount(0);
    // No broken-image icon under the message: a file the browser cannot draw is not drawn.
    await expect
      .poll(() =>
        page.evaluate(() =>
          [...document.querySelectorAll<HTMLImageElement>('.frame-view img')].every(
            (img) => img.complete && img.naturalWidth > 0,
          ),
        ),
      )
      .toBe(true);
  }
  await dropFile(page, frame('scan-3.png'));
  await expect(page.getByTestId('result')).toBeVisible();
  await expect(page.getByTestId('input-problem')).toHaveCount(0);
});

test('a 12000×12000 image is downscaled while decoding and classified', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(frame('huge.png'));
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 90_000 });
  const crop = await page.getByTestId('crop-rect').getAttribute('aria-valuetext');
  // The scan covers 1200–10800 px of the original; the crop is reported in original pixels.
  const [x, y, w] = (crop ?? '').match(/\d+/g)!.map(Number);
  expect(Math.abs(x! - 1200)).toBeLessThan(60);
  expect(Math.abs(y! - 1200)).toBeLessThan(60);
  expect(Math.abs(w! - 9600)).toBeLessThan(120);
});

test('the page-side engine (for browsers whose workers have no GPU) classifies the same as the worker', async ({
  page,
}) => {
  await openApp(page, { backend: 'wasm' });
  await dropFile(page, frame('scan-1.png'));
  const inWorker = await readProbabilities(page);
  await page.goto('/?model=fixture-tiny&backend=wasm&engine=main');
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('settings-context')).toHaveText('page (main thread)');
  await page.getByRole('button', { name: 'Classify' }).click();
  await dropFile(page, frame('scan-1.png'));
  const onPage = await readProbabilities(page);
  for (const id of Object.keys(inWorker)) expect(Math.abs(onPage[id]! - inWorker[id]!)).toBeLessThan(1e-5);
});
