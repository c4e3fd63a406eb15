// Batch "Save all as cases": a folder's sign is recorded as a folder label (which folder, which batch), never
// as the reading of whoever typed initials last; frames outside sign folders are saved unlabelled; the
// dashboard tells reader labels from folder labels and filters on them.
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FRAMES, GENERATED } from './helpers/fixtures';
import { openLibraryApp, openTab, saveFrameAsCase } from './helpers/caseLibrary';

const ROOT = join(GENERATED, 'folder-labels');

test.beforeAll(() => {
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(join(ROOT, 'B-lines'), { recursive: true });
  mkdirSync(join(ROOT, 'unsorted'), { recursive: true });
  copyFileSync(join(FRAMES, 'scan-4.png'), join(ROOT, 'B-lines', 'bed4.png'));
  copyFileSync(join(FRAMES, 'scan-6.png'), join(ROOT, 'unsorted', 'bed5.png'));
});

test("folder labels are the folder's, unlabelled frames stay unlabelled, and the dashboard can tell them apart", async ({
  page,
}) => {
  await openLibraryApp(page);
  // A reader saves one frame on Classify: "NS" are now the last initials typed on this device.
  expect(
    await saveFrameAsCase(page, join(FRAMES, 'scan-1.png'), '1', { reader: 'NS', exam: 'EX-9' }),
  ).toMatch(/^Saved as A-lines/);

  await page.getByRole('button', { name: 'Batch', exact: true }).click();
  await page.getByTestId('batch-folder-input').setInputFiles(ROOT);
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'finished', { timeout: 90_000 });
  await page.getByTestId('batch-save-cases').click();
  await expect(page.getByTestId('batch-save-result')).toHaveAttribute('data-created', '2', {
    timeout: 60_000,
  });

  await openTab(page, 'Cases');
  const folderCase = page.locator('[data-testid="case-card"][data-source="folder-labels/B-lines/bed4.png"]');
  const bare = page.locator('[data-testid="case-card"][data-source="folder-labels/unsorted/bed5.png"]');
  await expect(folderCase).toHaveAttribute('data-label', 'b_lines');
  await expect(folderCase).toHaveAttribute('data-label-source', 'folder');
  await expect(folderCase).toContainText('B-lines (folder label)');
  // Not "Unsure" by a reader: nobody read this frame.
  await expect(bare).toHaveAttribute('data-label', 'unlabelled');
  await expect(bare).toHaveAttribute('data-label-source', 'none');
  await expect(bare).toContainText('Not labelled');
  const reader = page.locator('[data-testid="case-card"][data-source="scan-1.png"]');
  await expect(reader).toHaveAttribute('data-label-source', 'reader');

  await folderCase.locator('.case-open').click();
  const history = page.getByTestId('label-history');
  await expect(history).toContainText('folder “folder-labels/B-lines” (batch “folder-labels”)');
  await expect(history).toContainText('folder label B-lines');
  await expect(history).not.toContainText('NS');
  await expect(page.getByTestId('folder-label-note')).toBeVisible();
  await page.getByTestId('case-close').click();

  // The dashboard measures against readers, folders, or both, and says which.
  await openTab(page, 'Dashboard');
  const coverage = page.getByTestId('a-coverage');
  await expect(coverage).toHaveAttribute('data-total', '3');
  await expect(coverage).toContainText('1 unlabelled');
  await page.getByTestId('dash-label-from').selectOption('reader');
  await expect(coverage).toHaveAttribute('data-total', '1');
  await expect(coverage).toHaveAttribute('data-scored', '1');
  await page.getByTestId('dash-label-from').selectOption('folder');
  await expect(coverage).toHaveAttribute('data-total', '1');
  await expect(page.getByTestId('a-table1')).toBeVisible();
});
