// The case library end to end: save from Classify, survive a reload, filters, relabel, delete/undo, re-score, backup.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRAMES, GENERATED } from './helpers/fixtures';
import { dropFile } from './helpers/app';
import {
  download,
  openLibraryApp,
  openTab,
  reloadApp,
  restoreBackup,
  saveFrameAsCase,
  writeGeneratedLibrary,
} from './helpers/caseLibrary';

const frame = (name: string) => join(FRAMES, name);
const cards = (page: Page) => page.getByTestId('case-card');
const caseCount = (page: Page) => page.getByTestId('case-count');

test('eight labelled cases saved from Classify survive a reload; the same frame saved again is one case', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await openLibraryApp(page);
  const plan: Array<[string, string, string]> = [
    ['scan-1.png', '1', 'EX-1'],
    ['scan-2.png', '2', 'EX-1'],
    ['scan-3.png', '3', 'EX-1'],
    ['scan-4.png', '4', 'EX-1'],
    ['scan-5.png', '1', 'EX-2'],
    ['scan-6.png', '2', 'EX-2'],
    ['scan-7.png', '3', 'EX-2'],
    ['scan-8.png', 'U', 'EX-2'],
  ];
  for (const [i, [name, key, exam]] of plan.entries()) {
    const text = await saveFrameAsCase(
      page,
      frame(name),
      key,
      i === 0 ? { reader: 'AB', exam, zone: 'blue-R-upper', notes: 'first frame' } : { exam },
    );
    expect(text).toMatch(/^Saved as /);
  }
  // Keyboard 4 picks Lung consolidation; the same image again updates its case and records the change.
  const again = await saveFrameAsCase(page, frame('scan-1.png'), '4', { reader: 'CD' });
  expect(again).toContain('Already in the library: label changed from A-lines to Lung consolidation');

  await reloadApp(page);
  await openTab(page, 'Cases');
  await expect(cards(page)).toHaveCount(8);
  await expect(caseCount(page)).toHaveAttribute('data-count', '8');
  const labels = await cards(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-label')).sort());
  expect(labels).toEqual([
    'a_lines',
    'b_lines',
    'b_lines',
    'consolidation',
    'consolidation',
    'pleural_effusion',
    'pleural_effusion',
    'unsure',
  ]);
  await page.locator('[data-testid="case-card"][data-source="scan-1.png"] .case-open').click();
  const detail = page.getByTestId('case-detail');
  await expect(detail).toContainText('Scan region only');
  await expect(detail.getByTestId('label-history').locator('li')).toHaveCount(2);
  await expect(detail.getByTestId('label-history')).toContainText('AB: labelled A-lines');
  await expect(detail.getByTestId('label-history')).toContainText('CD: A-lines → Lung consolidation');
  await expect(detail.getByTestId('case-predictions')).toContainText('fixture-tiny v1.0.0');
  await page.getByTestId('case-close').click();

  // The library setting keeps the whole scanner screen instead: a different stored image, so a new case.
  await page.getByTestId('keep-full-frame').check();
  const full = await saveFrameAsCase(page, frame('scan-2.png'), '2');
  expect(full).toContain('the whole frame');
  await openTab(page, 'Cases');
  await expect(cards(page)).toHaveCount(9);
  await page.locator('[data-testid="case-card"][data-source="scan-2.png"] .case-open').first().click();
  await expect(page.getByTestId('case-detail')).toContainText('Whole frame, 640×480');
});

test('filters, relabel with history, delete with undo, bulk select and delete a whole exam', async ({
  page,
}) => {
  const lib = await writeGeneratedLibrary('library-30', 30, [
    { modelId: 'fixture-tiny', modelVersion: '1.0.0', skill: 0.7 },
  ]);
  await openLibraryApp(page);
  await restoreBackup(page, lib.path);
  await expect(cards(page)).toHaveCount(30);

  const key = 'fixture-tiny@1.0.0';
  await page.getByTestId('filter-label').selectOption('b_lines');
  await expect(cards(page)).toHaveCount(lib.records.filter((r) => r.label === 'b_lines').length);
  await page.getByRole('button', { name: 'Show all' }).click();
  const disagree = lib.records.filter((r) => {
    const p = r.predictions[key];
    return r.label !== 'unsure' && p?.status === 'scored' && p.top !== r.label;
  });
  await page.getByTestId('filter-agreement').selectOption('disagree');
  await expect(cards(page)).toHaveCount(disagree.length);
  await page.getByTestId('filter-predicted').selectOption('a_lines');
  await expect(cards(page)).toHaveCount(
    disagree.filter((r) => r.predictions[key]?.status === 'scored' && r.predictions[key].top === 'a_lines')
      .length,
  );
  await page.getByRole('button', { name: 'Show all' }).click();

  // A whole exam goes, and Undo brings it back.
  const examB = lib.records.filter((r) => r.examId === 'EX-B').length;
  await page.getByTestId('filter-exam').selectOption('EX-B');
  await expect(cards(page)).toHaveCount(examB);
  await page.getByTestId('delete-exam').click();
  await expect(page.getByTestId('undo-toast')).toContainText(`Deleted exam EX-B (${examB} cases)`);
  await page.getByRole('button', { name: 'Show all' }).click();
  await expect(cards(page)).toHaveCount(30 - examB);
  await page.getByTestId('undo').click();
  await expect(cards(page)).toHaveCount(30);

  // Bulk select three, delete, undo.
  for (let i = 0; i < 3; i++) await cards(page).nth(i).getByTestId('case-select').check();
  await expect(page.getByTestId('selected-count')).toHaveText('3 selected');
  await page.getByTestId('delete-selected').click();
  await expect(cards(page)).toHaveCount(27);
  await page.getByTestId('undo').click();
  await expect(cards(page)).toHaveCount(30);

  // Relabel from the case view with the keyboard; the history records who and what.
  const first = cards(page).first();
  const id = await first.getAttribute('data-case-id');
  const before = await first.getAttribute('data-label');
  await first.locator('.case-open').click();
  const detail = page.getByTestId('case-detail');
  await detail.getByTestId('detail-reader').fill('ZZ');
  await detail.locator('h2').click();
  const target = before === 'pleural_effusion' ? '1' : '3';
  await page.keyboard.press(target);
  await expect(detail.getByTestId('label-history').locator('li')).toHaveCount(2);
  await expect(detail.getByTestId('label-history')).toContainText(
    `ZZ: ${{ a_lines: 'A-lines', b_lines: 'B-lines', pleural_effusion: 'Pleural effusion', consolidation: 'Lung consolidation', unsure: 'Unsure' }[before!]} → ${target === '1' ? 'A-lines' : 'Pleural effusion'}`,
  );
  // Delete from the case view, then undo.
  await detail.getByTestId('case-delete').click();
  await expect(page.getByTestId('case-detail')).toHaveCount(0);
  await expect(cards(page)).toHaveCount(29);
  await page.getByTestId('undo').click();
  await expect(page.locator(`[data-testid="case-card"][data-case-id="${id}"]`)).toHaveCount(1);
});

test('re-scoring shows progress, cancels, resumes after a reload, and keeps the earlier version', async ({
  page,
}) => {
  test.setTimeout(600_000);
  const total = 300;
  await openLibraryApp(page);
  const lib = await writeGeneratedLibrary('rescore-300', total, [
    { modelId: 'fixture-tiny', modelVersion: '0.9.0', skill: 0.6 },
  ]);
  const unsure = lib.records.filter((r) => r.label === 'unsure').length;
  await restoreBackup(page, lib.path);
  await expect(caseCount(page)).toHaveAttribute('data-count', String(total));

  await expect(page.getByTestId('rescore-start')).toHaveText(`Re-score ${total} cases`);
  await page.getByTestId('rescore-start').click();
  await expect(page.getByTestId('rescore-progress')).toBeVisible();
  await page.getByTestId('rescore-cancel').click();
  await expect(page.getByTestId('rescore-resume')).toBeVisible();
  const status = page.getByTestId('rescore-status');
  await expect(status).toContainText('(cancelled)');
  const doneAtCancel = Number(await status.getAttribute('data-done'));
  expect(doneAtCancel).toBeLessThan(total);

  // After a reload the run is offered for resuming where it stopped.
  await reloadApp(page);
  await openTab(page, 'Cases');
  await expect(status).toHaveAttribute('data-done', String(doneAtCancel));
  await page.getByTestId('rescore-resume').click();
  await expect(page.getByTestId('rescore-progress')).toBeVisible();
  await expect(status).toContainText(/cases\/s/);
  await expect(status).toContainText('Last run: 300 cases', { timeout: 500_000 });
  const workMs = Number(await status.getAttribute('data-work-ms'));
  console.log(
    `re-scoring on WASM, fixture model: ${total} cases, ${(workMs / total).toFixed(1)} ms per case`,
  );
  writeFileSync(
    join(GENERATED, 'rescore-timing.json'),
    JSON.stringify({ cases: total, workMs, msPerCase: workMs / total }),
  );

  // Every case now has both versions; the dashboard can compare them.
  await openTab(page, 'Dashboard');
  await page.getByTestId('dash-model-a').selectOption('fixture-tiny@1.0.0');
  await expect(page.getByTestId('a-coverage')).toHaveText(
    `${total - unsure} of ${total} cases scored (${unsure} unsure)`,
  );
  await page.getByTestId('dash-model-b').selectOption('fixture-tiny@0.9.0');
  await expect(page.getByTestId('b-coverage')).toHaveText(
    `${total - unsure} of ${total} cases scored (${unsure} unsure)`,
  );
});

test('backup → delete all → restore gives the same cases and histories; a foreign or damaged file is refused', async ({
  page,
}) => {
  const lib = await writeGeneratedLibrary('backup-12', 12, [
    { modelId: 'fixture-tiny', modelVersion: '1.0.0', skill: 0.7 },
  ]);
  await openLibraryApp(page);
  await restoreBackup(page, lib.path);
  await expect(cards(page)).toHaveCount(12);
  // One case gets a second label so there is a real history to keep.
  await cards(page).first().locator('.case-open').click();
  await page.getByTestId('detail-reader').fill('QR');
  await page.getByTestId('label-unsure').click();
  await expect(page.getByTestId('label-history').locator('li')).toHaveCount(2);
  await page.getByTestId('case-close').click();

  const csvBefore = (await download(page, () => page.getByTestId('cases-csv').click())).bytes.toString(
    'utf8',
  );
  const backup = await download(page, () => page.getByTestId('backup-export').click());
  expect(backup.name).toMatch(/^lus-signs-cases-\d{4}-\d{2}-\d{2}\.zip$/);
  const backupPath = join(GENERATED, 'backups', 'downloaded.zip');
  writeFileSync(backupPath, backup.bytes);
  expect(csvBefore).toContain('QR');
  expect(csvBefore).not.toContain('data:image');

  // Foreign and damaged files: refused with a message, nothing touched.
  await page.getByTestId('backup-file').setInputFiles(frame('scan-1.png'));
  await expect(page.getByTestId('library-note')).toContainText(
    'scan-1.png is not a LUS Signs case backup: it is not a readable zip archive',
  );
  await expect(page.getByTestId('library-note')).toContainText('Nothing in the library was changed.');
  const damagedPath = join(GENERATED, 'backups', 'damaged.zip');
  writeFileSync(damagedPath, readFileSync(backupPath).subarray(0, Math.floor(backup.bytes.length * 0.6)));
  await page.getByTestId('backup-file').setInputFiles(damagedPath);
  await expect(page.getByTestId('library-note')).toContainText('Nothing in the library was changed.');
  await expect(cards(page)).toHaveCount(12);

  await page.getByTestId('delete-all').click();
  await page.getByTestId('delete-all-confirm').click();
  await expect(cards(page)).toHaveCount(0);
  await expect(page.getByText('No cases yet.')).toBeVisible();

  await page.getByTestId('backup-file').setInputFiles(backupPath);
  await expect(page.getByTestId('library-note')).toContainText('Restored 12 cases from downloaded.zip');
  await expect(cards(page)).toHaveCount(12);
  const csvAfter = (await download(page, () => page.getByTestId('cases-csv').click())).bytes.toString('utf8');
  expect(csvAfter).toBe(csvBefore);
});

test('when storage is full, saving says what to do and the cases already stored are intact', async ({
  page,
}) => {
  const lib = await writeGeneratedLibrary('quota-12', 12, [
    { modelId: 'fixture-tiny', modelVersion: '1.0.0', skill: 0.7 },
  ]);
  await openLibraryApp(page);
  await restoreBackup(page, lib.path);
  await expect(cards(page)).toHaveCount(12);
  const csvBefore = (await download(page, () => page.getByTestId('cases-csv').click())).bytes.toString(
    'utf8',
  );

  // Chromium's CDP quota override is not enforced for IndexedDB writes here, so the browser's own
  // QuotaExceededError is thrown from IDBObjectStore.put while `storageFull` is set.
  await page.evaluate(() => {
    const proto = IDBObjectStore.prototype;
    const realPut = proto.put;
    (window as unknown as { storageFull: boolean }).storageFull = true;
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if ((window as unknown as { storageFull: boolean }).storageFull) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return realPut.apply(this, args);
    };
  });

  await openTab(page, 'Classify');
  await dropFile(page, frame('scan-2.png'));
  await expect(page.getByTestId('save-case')).toBeVisible({ timeout: 60_000 });
  await page.locator('body').press('2');
  await page.getByTestId('reader-initials').fill('AB');
  await page.getByTestId('save-case-button').click();
  await expect(page.getByTestId('save-problem')).toContainText(
    'Storage is full: export a backup and delete old cases',
  );
  await expect(page.getByTestId('storage-problem')).toHaveAttribute('data-kind', 'quota');

  // With room again, the same save works and the warning goes away.
  await page.evaluate(() => ((window as unknown as { storageFull: boolean }).storageFull = false));
  await page.getByTestId('save-case-button').click();
  await expect(page.getByTestId('save-outcome')).toContainText('Saved as B-lines');
  await expect(page.getByTestId('storage-problem')).toHaveCount(0);

  // The twelve earlier cases are exactly as they were; the new one is added.
  await openTab(page, 'Cases');
  await expect(cards(page)).toHaveCount(13);
  const after = (await download(page, () => page.getByTestId('cases-csv').click())).bytes
    .toString('utf8')
    .split('\n');
  for (const line of csvBefore.trim().split('\n').slice(1)) expect(after).toContain(line);
});
