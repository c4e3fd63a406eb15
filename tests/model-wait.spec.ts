// A frame or folder given while the model is still loading waits for it and is read as soon as it is ready.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { FRAMES } from './helpers/fixtures';
import { dropFile } from './helpers/app';
import { writeBatchFolder } from './helpers/batchFolder';

/** Holds the test model's weights back until `release()`: a model that takes as long to load as we say. */
async function slowModel(page: Page): Promise<{ release: () => void }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/models/fixture-tiny/*.bin', async (route) => {
    await held;
    await route.continue();
  });
  return { release };
}

test('a frame dropped while the model loads is read when loading finishes, without an error', async ({
  page,
}) => {
  const model = await slowModel(page);
  await page.goto('/?model=fixture-tiny');
  await expect(page.getByTestId('model-loading')).toContainText(/Loading|Starting/);
  await dropFile(page, join(FRAMES, 'scan-2.png'));
  await expect(page.getByTestId('model-wait')).toBeVisible();
  await expect(page.getByTestId('result')).toHaveCount(0);
  model.release();
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('model-wait')).toHaveCount(0);
  await expect(page.getByTestId('input-problem')).toHaveCount(0);
  await expect(page.getByTestId('result-meta')).toContainText('fixture-tiny v1.0.0');
});

test('a frame chosen while the model loads is read too (the button works during loading)', async ({
  page,
}) => {
  const model = await slowModel(page);
  await page.goto('/?model=fixture-tiny');
  await page.getByRole('button', { name: 'Choose a frame' }).click({ trial: true });
  await page.getByTestId('file-input').setInputFiles(join(FRAMES, 'scan-1.png'));
  await expect(page.getByTestId('model-wait')).toBeVisible();
  model.release();
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('input-problem')).toHaveCount(0);
});

test('a folder chosen while the model loads is scored when loading finishes', async ({ page }) => {
  const folder = writeBatchFolder();
  const model = await slowModel(page);
  await page.goto('/?model=fixture-tiny');
  await page.getByRole('button', { name: 'Batch', exact: true }).click();
  await page.getByTestId('batch-folder-input').setInputFiles(folder.root);
  await expect(page.getByTestId('batch-model-wait')).toContainText('ward-audit');
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'idle');
  model.release();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'finished', { timeout: 120_000 });
  await expect(page.getByTestId('batch-summary')).toHaveAttribute('data-scored', '40');
  await expect(page.getByTestId('batch-error')).toHaveCount(0);
});
