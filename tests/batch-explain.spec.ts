// Batch rows up close: a scored frame shows its stored heat map inside its crop with working controls; a refused
// frame is marked in the table and shows its reason and no map; a file deleted since it was scored is named.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { detectUltrasoundRegion } from '../src/core';
import { generateNegativeFrame, generatePhantom } from '../src/synth';
import { openApp } from './helpers/app';
import { GENERATED, encodeGreyPng, encodeRgbaPng } from './helpers/fixtures';

const DIR = join(GENERATED, 'batch-explain');
const SHOTS = process.env.LUS_SHOTS;
const WIDTH = 480;
const HEIGHT = 360;
/** Two lung frames and two refusals, one of them inside a labelled folder. */
const FILES = ['B-lines/frame-1.png', 'B-lines/frame-2.png', 'B-lines/photo.png', 'doppler.png'];

test.beforeAll(() => {
  let seed = 4242;
  for (const path of FILES.slice(0, 2)) {
    let p = generatePhantom({
      classId: 'b_lines',
      width: WIDTH,
      height: HEIGHT,
      seed: seed++,
      overlays: false,
    });
    while (!detectUltrasoundRegion(p.image).found)
      p = generatePhantom({
        classId: 'b_lines',
        width: WIDTH,
        height: HEIGHT,
        seed: seed++,
        overlays: false,
      });
    mkdirSync(dirname(join(DIR, path)), { recursive: true });
    writeFileSync(join(DIR, path), encodeGreyPng(p.image));
  }
  for (const [path, kind] of [
    ['B-lines/photo.png', 'colour-photo'],
    ['doppler.png', 'colour-doppler'],
  ] as const) {
    const img = generateNegativeFrame(kind, WIDTH, HEIGHT, 17);
    writeFileSync(join(DIR, path), encodeRgbaPng(img.width, img.height, new Uint8Array(img.data)));
  }
});

/** The batch screen with an origin-private folder behind the folder picker, so a test can delete a file. */
async function openBatchOnFolder(page: Page, name: string): Promise<void> {
  await page.addInitScript((folder) => {
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
    // Every call into the model worker, counted: viewing a row must not run the model again.
    const proto = Worker.prototype as unknown as { postMessage: (...args: unknown[]) => void };
    const post = proto.postMessage;
    const w = window as unknown as { workerMessages: number };
    w.workerMessages = 0;
    proto.postMessage = function (this: Worker, ...args: unknown[]) {
      w.workerMessages++;
      post.apply(this, args);
    };
  }, name);
  await openApp(page);
  await page.getByRole('button', { name: 'Batch', exact: true }).click();
  await expect(page.getByTestId('batch')).toBeVisible();
  const files = FILES.map((path) => ({ path, base64: readFileSync(join(DIR, path)).toString('base64') }));
  await page.evaluate(
    async ({ name, files }) => {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(name, { recursive: true }).catch(() => undefined);
      const top = await root.getDirectoryHandle(name, { create: true });
      for (const { path, base64 } of files) {
        const parts = path.split('/');
        let dir = top;
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
        const w = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
        await w.write(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
        await w.close();
      }
    },
    { name, files },
  );
}

/** Lit overlay pixels inside the stored crop and outside it (2 px of edge smoothing allowed). */
async function litPixels(page: Page): Promise<{ inside: number; outside: number }> {
  const detail = page.getByTestId('batch-detail');
  const label = (await detail.getByTestId('crop-rect').getAttribute('aria-label')) ?? '';
  const [x, y, w, h] = label.match(/\d+/g)!.map(Number);
  return detail.getByTestId('heat-overlay').evaluate(
    (canvas: HTMLCanvasElement, { crop, frameWidth }) => {
      const s = canvas.width / frameWidth;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let inside = 0;
      let outside = 0;
      for (let py = 0; py < canvas.height; py++) {
        for (let px = 0; px < canvas.width; px++) {
          if (data[(py * canvas.width + px) * 4 + 3]! === 0) continue;
          const inCrop =
            px >= crop.x * s - 2 &&
            px <= (crop.x + crop.w) * s + 2 &&
            py >= crop.y * s - 2 &&
            py <= (crop.y + crop.h) * s + 2;
          if (inCrop) inside++;
          else outside++;
        }
      }
      return { inside, outside };
    },
    { crop: { x: x!, y: y!, w: w!, h: h! }, frameWidth: WIDTH },
  );
}

const workerMessages = (page: Page) =>
  page.evaluate(() => (window as unknown as { workerMessages: number }).workerMessages);
const row = (page: Page, path: string) => page.locator(`[data-testid="batch-row"][data-path="${path}"]`);

test('a batch row opens up close with its stored heat map; a refused frame is marked and shows why; a deleted file is named', async ({
  page,
}) => {
  await openBatchOnFolder(page, 'explain-audit');
  await page.getByTestId('batch-choose').click();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'finished', { timeout: 120_000 });
  const summary = page.getByTestId('batch-summary');
  // One vocabulary: refused frames are not "scored".
  await expect(summary).toHaveAttribute('data-scored', '2');
  await expect(summary).toHaveAttribute('data-refused', '2');
  await expect(summary).toContainText('2 scored, 2 refused, 0 unreadable');
  // The labelled photo is refused: it neither agrees nor disagrees, as in the metrics.
  await expect(summary).toHaveAttribute('data-labelled', '2');

  // Refused frames are marked in the sign column, with the reason in a few words.
  const photo = row(page, 'B-lines/photo.png');
  await expect(photo).toHaveAttribute('data-gate', 'refused');
  await expect(photo.getByTestId('batch-predicted')).toContainText('Refused');
  await expect(photo.getByTestId('batch-predicted')).toContainText('colour photo');
  await expect(row(page, 'doppler.png').getByTestId('batch-predicted')).toContainText('colour Doppler');
  // A refused frame's probabilities are not shown unless asked for (unreliable), as on Classify.
  await expect(photo.getByTestId('batch-p-b_lines')).toHaveText('—');
  await page.getByTestId('batch-show-refused').check();
  await expect(photo.getByTestId('batch-p-b_lines')).toHaveText(/^\d+\.\d$/);
  await page.getByTestId('batch-show-refused').uncheck();
  await expect(photo.getByTestId('batch-p-b_lines')).toHaveText('—');
  const lung = row(page, 'B-lines/frame-1.png');
  await expect(lung).toHaveAttribute('data-gate', 'passed');
  await expect(lung.getByTestId('batch-predicted')).not.toContainText('Refused');

  const messagesBefore = await workerMessages(page);
  expect(messagesBefore).toBeGreaterThan(0);

  // A lung frame: re-read from the folder and drawn with the stored crop and heat map.
  const view = lung.getByTestId('batch-view');
  expect((await view.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await view.click();
  const detail = page.getByTestId('batch-detail');
  await expect(detail).toHaveAttribute('data-path', 'B-lines/frame-1.png');
  await expect(detail).toHaveAttribute('data-frame', 'shown');
  const overlay = detail.getByTestId('heat-overlay');
  await expect(overlay).toBeVisible();
  const lit = await litPixels(page);
  expect(lit.inside).toBeGreaterThan(0);
  expect(lit.outside).toBe(0);
  await expect(detail.getByTestId('batch-detail-meta')).toContainText('fixture-tiny v1.0.0 on WASM');
  const top = (await lung.getAttribute('data-predicted'))!;
  await expect(detail.getByTestId('result-sign')).toHaveAttribute('data-top', top);
  await expect(overlay).toHaveAttribute('data-classes', top);
  const other = top === 'b_lines' ? 'a_lines' : 'b_lines';
  await detail.getByTestId(`heat-class-${other}`).click();
  await expect(overlay).toHaveAttribute('data-classes', other); // the chips switch signs, they do not add
  await detail.getByTestId('heat-opacity').fill('70');
  await expect(overlay).toHaveCSS('opacity', '0.7');
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'batch-detail.png'), fullPage: true });
  await detail.getByTestId('heat-shown').uncheck();
  await expect(overlay).toHaveCount(0);
  await detail.getByTestId('heat-shown').check();
  await expect(detail.getByTestId('heat-overlay')).toBeVisible();
  await detail.getByTestId('batch-detail-close').click();
  await expect(detail).toHaveCount(0);

  // A refused frame: the reason first, no heat map, the probabilities only on request and marked unreliable.
  await photo.getByTestId('batch-view').click();
  await expect(detail).toHaveAttribute('data-frame', 'shown');
  await expect(detail.getByTestId('gate-reason')).toHaveText(/looks like a colour photograph/);
  await expect(detail.getByTestId('heat-overlay')).toHaveCount(0);
  await expect(detail.getByTestId('heat-controls')).toHaveCount(0);
  await expect(detail.getByTestId('batch-detail-result')).toHaveCount(0);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'batch-detail-refused.png'), fullPage: true });
  await detail.getByTestId('gate-reveal').click();
  await expect(detail.getByTestId('batch-detail-result')).toHaveClass(/unreliable/);
  await expect(detail.getByTestId('prob-b_lines')).toBeVisible();
  await detail.getByTestId('gate-reveal').click();
  await expect(detail.getByTestId('batch-detail-result')).toHaveCount(0);

  // A file deleted since it was scored: the panel says so instead of drawing another picture.
  await page.evaluate(async () => {
    const top = await (await navigator.storage.getDirectory()).getDirectoryHandle('explain-audit');
    await (await top.getDirectoryHandle('B-lines')).removeEntry('frame-2.png');
  });
  await row(page, 'B-lines/frame-2.png').getByTestId('batch-view').click();
  await expect(detail).toHaveAttribute('data-path', 'B-lines/frame-2.png');
  await expect(detail.getByTestId('batch-detail-problem')).toHaveText(
    /B-lines\/frame-2\.png is gone from the folder \(moved or deleted since it was scored\)/,
  );
  await expect(detail.getByTestId('heat-overlay')).toHaveCount(0);
  // Three rows looked at, controls used: the model was not asked once.
  expect(await workerMessages(page)).toBe(messagesBefore);
});
