// Batch scoring in the browser on a generated folder: table, skipped reasons, CSV equal to the CLI's, metrics, cases, cancel, resume.
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASS_IDS, formatKappa, formatPercent } from '../src/core';
import { openApp } from './helpers/app';
import { readBatchCsv } from './helpers/batchCsv';
import {
  BAD_FILES,
  BATCH_ROOT,
  SKIPPED_FILES,
  batchFolderFiles,
  writeBatchFolder,
  type BatchFolder,
} from './helpers/batchFolder';

const repo = join(import.meta.dirname, '..');
let folder: BatchFolder;
let cli: { csv: Array<Record<string, string>>; stdout: string };

test.beforeAll(() => {
  folder = writeBatchFolder();
  // The command line on the same folder with the same (fixture) model: the app must agree with it.
  const out = join(BATCH_ROOT, 'cli-ward-audit.csv');
  const r = spawnSync(
    process.execPath,
    [
      join(repo, 'cli', 'lus-signs.mjs'),
      'score',
      folder.root,
      '--model',
      join(repo, 'public/models/fixture-tiny'),
      '--out',
      out,
    ],
    { encoding: 'utf8', timeout: 180_000 },
  );
  if (r.status !== 0) throw new Error(`lus-signs failed: ${r.stderr}`);
  cli = { csv: readBatchCsv(readFileSync(out, 'utf8')), stdout: r.stdout };
});

async function openBatch(page: Page): Promise<void> {
  await openApp(page);
  await page.getByRole('button', { name: 'Batch', exact: true }).click();
  await expect(page.getByTestId('batch')).toBeVisible();
}

const caseCount = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('lus-signs');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('cases').objectStore('cases').count();
          req.onsuccess = () => {
            resolve(req.result);
            db.close();
          };
        };
      }),
  );

test('a chosen folder is scored: table, reasons, CSV equal to the command line, metrics, saving twice adds no duplicates', async ({
  page,
}) => {
  await openBatch(page);
  await page.getByTestId('batch-folder-input').setInputFiles(folder.root);
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'finished', { timeout: 120_000 });
  const fps = await page.getByTestId('batch-progress').getAttribute('data-fps');
  test.info().annotations.push({ type: 'app frames/s (fixture model)', description: String(fps) });

  await expect(page.getByTestId('batch-table')).toHaveAttribute('data-rows', '40');
  await expect(page.getByTestId('batch-row')).toHaveCount(40);
  const summary = page.getByTestId('batch-summary');
  await expect(summary).toHaveAttribute('data-scored', '40');
  await expect(summary).toHaveAttribute('data-unreadable', String(Object.keys(BAD_FILES).length));
  await expect(summary).toHaveAttribute('data-refused', '0');
  await expect(summary).toHaveAttribute('data-skipped', String(Object.keys(SKIPPED_FILES).length));
  for (const [path, reason] of Object.entries({ ...BAD_FILES, ...SKIPPED_FILES })) {
    const shown = page.locator(
      `[data-testid="batch-problem"][data-path="${path}"] [data-testid="batch-reason"]`,
    );
    await expect(shown).toHaveText(reason);
    // The path is printed once, beside the reason, not again inside it.
    await expect(shown).not.toContainText(path);
  }
  for (const path of Object.keys(BAD_FILES))
    await expect(page.locator(`[data-testid="batch-problem"][data-path="${path}"]`)).toHaveAttribute(
      'data-status',
      'unreadable',
    );

  // Sorting by the B-lines probability puts the highest first.
  await page.getByTestId('sort-p_b_lines').click();
  const firstTwo = await page
    .getByTestId('batch-p-b_lines')
    .evaluateAll((cells) => cells.slice(0, 2).map((c) => Number(c.getAttribute('data-value'))));
  expect(firstTwo[0]!).toBeGreaterThanOrEqual(firstTwo[1]!);

  // The exported CSV has every file, and says what the command line says about each.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('batch-export').click(),
  ]);
  const app = readBatchCsv(readFileSync((await download.path())!, 'utf8'));
  expect(app.map((r) => r.path)).toEqual(cli.csv.map((r) => r.path));
  const byPath = new Map(cli.csv.map((r) => [r.path, r]));
  for (const row of app) {
    const c = byPath.get(row.path)!;
    expect(row.status).toBe(c.status);
    expect(row.label).toBe(c.label);
    expect(row.reason).toBe(c.reason);
    if (row.status !== 'scored') continue;
    expect(row.predicted_sign).toBe(c.predicted_sign);
    expect(row.agree).toBe(c.agree);
    expect(row).toMatchObject({ model_id: 'fixture-tiny', model_version: '1.0.0', backend: 'wasm' });
    for (const id of CLASS_IDS)
      expect(Math.abs(Number(row[`p_${id}`]) - Number(c[`p_${id}`]))).toBeLessThan(1e-4);
  }

  // The metrics equal the command line's printout.
  await expect(page.getByTestId('batch-metrics')).toBeVisible();
  const total = cli.stdout.split('\n').find((l) => l.startsWith('Total '))!;
  const accuracy = Number(await page.getByTestId('batch-total-accuracy').getAttribute('data-value'));
  const kappa = Number(await page.getByTestId('batch-total-kappa').getAttribute('data-value'));
  expect(total).toContain(formatPercent(accuracy));
  expect(total).toContain(formatKappa(kappa));
  const matrixAt = cli.stdout.split('\n').findIndex((l) => l.startsWith('label \\ model'));
  const printed = cli.stdout
    .split('\n')
    .slice(matrixAt + 1, matrixAt + 5)
    .map((l) => l.trim().split(/\s+/).slice(1).map(Number));
  for (const i of CLASS_IDS.keys())
    for (const j of CLASS_IDS.keys())
      await expect(page.getByTestId(`batch-cm-${i}-${j}`)).toHaveAttribute(
        'data-count',
        String(printed[i]![j]),
      );

  // The dashboard offers the batch's labelled results as a data source, with the same numbers.
  await page.getByRole('button', { name: 'Dashboard', exact: true }).click();
  await page.getByTestId('dash-source').selectOption({ label: 'Batch: ward-audit' });
  await expect(page.getByTestId('a-coverage')).toHaveAttribute('data-scored', '40');
  await expect(page.getByTestId('a-total-accuracy')).toHaveAttribute('data-value', String(accuracy));
  await page.getByRole('button', { name: 'Batch', exact: true }).click();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'finished');

  // Save all as cases, twice: the content hash keeps the second run from adding anything.
  await page.getByTestId('batch-save-cases').click();
  await expect(page.getByTestId('batch-save-result')).toHaveAttribute('data-created', '40', {
    timeout: 90_000,
  });
  expect(await caseCount(page)).toBe(40);
  await page.getByTestId('batch-save-cases').click();
  await expect(page.getByTestId('batch-save-result')).toHaveAttribute('data-existing', '40', {
    timeout: 90_000,
  });
  await expect(page.getByTestId('batch-save-result')).toHaveAttribute('data-created', '0');
  expect(await caseCount(page)).toBe(40);
});

/**
 * The File System Access path: showDirectoryPicker returns an origin-private (OPFS) folder filled from the
 * fixtures. Reading is slowed so the test can cancel mid-run, delete a file, reload, and resume.
 */
test('picked folder: cancel, reload, resume skips what was done; a file deleted mid-run is named', async ({
  page,
}) => {
  await page.addInitScript(() => {
    const w = window as unknown as {
      showDirectoryPicker: () => Promise<FileSystemDirectoryHandle>;
      batchReadDelayMs?: number;
    };
    w.showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('ward-audit');
    // The batch checks each file by reading from it on the page: slowing that read slows the run.
    const read = Blob.prototype.arrayBuffer;
    Blob.prototype.arrayBuffer = async function (this: Blob) {
      const delay = (window as unknown as { batchReadDelayMs?: number }).batchReadDelayMs ?? 0;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      return read.call(this);
    };
  });
  await openBatch(page);
  await page.evaluate(async (files) => {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry('ward-audit', { recursive: true }).catch(() => undefined);
    const top = await root.getDirectoryHandle('ward-audit', { create: true });
    for (const { path, base64 } of files) {
      const parts = path.split('/');
      let dir = top;
      for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
      const handle = await dir.getFileHandle(parts.at(-1)!, { create: true });
      const w = await handle.createWritable();
      await w.write(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      await w.close();
    }
  }, batchFolderFiles(folder));

  await page.evaluate(() => ((window as unknown as { batchReadDelayMs: number }).batchReadDelayMs = 250));
  await page.getByTestId('batch-choose').click();
  const progress = page.getByTestId('batch-progress');
  await expect(progress).toHaveAttribute('data-total', '43');
  await expect.poll(async () => Number(await progress.getAttribute('data-done'))).toBeGreaterThan(0);
  await page.getByTestId('batch-cancel').click();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'cancelled');
  const doneBefore = Number(await progress.getAttribute('data-done'));
  expect(doneBefore).toBeGreaterThan(0);
  expect(doneBefore).toBeLessThan(43);
  await expect(page.getByTestId('batch-resume-offer')).toHaveAttribute('data-done', String(doneBefore));

  // The tab is reloaded: the app remembers the run and offers to resume it where the user lands (Classify).
  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  const banner = page.getByTestId('batch-resume-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('ward-audit');
  await expect(banner).toHaveAttribute('data-done', String(doneBefore));
  await expect(banner).toHaveCSS('border-top-style', 'solid');
  await page.getByTestId('batch-resume-open').click();
  await expect(page.getByTestId('batch')).toBeVisible();
  await expect(banner).toHaveCount(0);
  const offer = page.getByTestId('batch-resume-offer');
  await expect(offer).toBeVisible();
  await expect(offer).toHaveAttribute('data-done', String(doneBefore));
  await expect(offer).toContainText('ward-audit');

  await page.evaluate(() => ((window as unknown as { batchReadDelayMs: number }).batchReadDelayMs = 100));
  await page.getByTestId('batch-resume-choose').click();
  // Only the files not done before are scored now; progress counts them with the earlier ones, as the
  // summary does.
  await expect(progress).toHaveAttribute('data-total', '43');
  await expect(page.getByTestId('batch-resumed')).toHaveAttribute('data-count', String(doneBefore));
  // The last frame of the folder is deleted while the batch runs, before it is read.
  await page.evaluate(async () => {
    const top = await (await navigator.storage.getDirectory()).getDirectoryHandle('ward-audit');
    await (await top.getDirectoryHandle('a_lines')).removeEntry('frame-10.png');
  });
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'finished', { timeout: 120_000 });
  const summary = page.getByTestId('batch-summary');
  await expect(summary).toHaveAttribute('data-scored', '39');
  await expect(summary).toHaveAttribute('data-unreadable', '4');
  await expect(progress).toHaveAttribute('data-done', '43');
  await expect(progress).toContainText('43 of 43 frames');
  await expect(
    page.locator(
      '[data-testid="batch-problem"][data-path="a_lines/frame-10.png"] [data-testid="batch-reason"]',
    ),
  ).toHaveText(/^Disappeared before it could be read/); // beside the path, not repeating it
  await expect(page.getByTestId('batch-table')).toHaveAttribute('data-rows', '39');
  await expect(page.getByTestId('batch-metrics')).toBeVisible();
});
