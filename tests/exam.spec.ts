// The exam code is explicit per exam: shown while in use, never typed onto, one action for a new exam, and
// empty after a restart.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FRAMES } from './helpers/fixtures';
import { dropFile } from './helpers/app';
import { openLibraryApp, openTab, reloadApp } from './helpers/caseLibrary';

const frame = (name: string) => join(FRAMES, name);

test('the exam in use is shown, "New exam" starts the next one, and a restart starts with none', async ({
  page,
}) => {
  await openLibraryApp(page);
  await dropFile(page, frame('scan-1.png'));
  await expect(page.getByTestId('save-case')).toBeVisible();
  await expect(page.getByTestId('exam-id')).toHaveValue('');
  await page.locator('body').press('1');
  await page.getByTestId('reader-initials').fill('NS');
  await page.getByTestId('exam-id').fill('EX-001');
  await page.getByTestId('save-case-button').click();
  await expect(page.getByTestId('save-outcome')).toContainText('Saved as A-lines');

  // The next frame is filed under EX-001 unless the reader says otherwise, and the code is plainly shown.
  await dropFile(page, frame('scan-2.png'));
  await expect(page.getByTestId('exam-current')).toHaveAttribute('data-exam', 'EX-001');
  await expect(page.getByTestId('exam-current')).toBeVisible();
  await expect(page.getByTestId('exam-id')).toHaveCount(0);
  // A new patient: one action, then the code is typed afresh (never onto the old one).
  await page.getByTestId('new-exam').click();
  await expect(page.getByTestId('exam-id')).toHaveValue('');
  await expect(page.getByTestId('exam-id')).toBeFocused();
  await page.keyboard.type('A1');
  await expect(page.getByTestId('exam-id')).toHaveValue('A1');
  // The label key must reach the page, not the exam box.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('2');
  await page.getByTestId('save-case-button').click();
  await expect(page.getByTestId('save-outcome')).toContainText('Saved as B-lines');

  await openTab(page, 'Cases');
  // The library reads its cases after the tab opens: wait for both before reading what they say.
  await expect(page.getByTestId('case-card')).toHaveCount(2);
  const exams = await page
    .getByTestId('case-card')
    .evaluateAll((cards) => cards.map((c) => c.textContent ?? ''));
  expect(exams.join(' ')).toContain('A1');
  expect(exams.join(' ')).not.toContain('EX-001A1');

  // After a restart the exam box is empty: a new session's first frame is never filed under the last exam.
  await reloadApp(page);
  await dropFile(page, frame('scan-3.png'));
  await expect(page.getByTestId('save-case')).toBeVisible();
  await expect(page.getByTestId('exam-current')).toHaveCount(0);
  await expect(page.getByTestId('exam-id')).toHaveValue('');
  // The reader's initials still carry over: they name a person on this device, not a patient.
  await expect(page.getByTestId('reader-initials')).toHaveValue('NS');
});
