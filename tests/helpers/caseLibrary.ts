// Case-library helpers for browser specs: generated backups (Node side), saving a case via the UI, downloads.

import { expect, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { CLASS_IDS, type ClassId, type ClinicianLabel } from '../../src/core';
import { seededRandom } from '../../src/core';
import { makeTestFrame } from '../../src/synth';
import { encodeBackup } from '../../src/store/backup';
import { LUNG_ZONES } from '../../src/store/zones';
import type { CaseRecord, StoredPrediction } from '../../src/store/caseRecord';
import { dropFile } from './app';
import { GENERATED, encodeGreyPng } from './fixtures';

export const BACKUPS = join(GENERATED, 'backups');

export interface GeneratedLibrary {
  path: string;
  records: CaseRecord[];
}

/** Probabilities that favour `top` by `margin`, normalised, deterministic from `rand`. */
function probabilities(top: ClassId, rand: () => number): Record<ClassId, number> {
  const raw = CLASS_IDS.map((id) => (id === top ? 1.5 + rand() * 3 : rand()));
  const sum = raw.reduce((a, b) => a + b, 0);
  return Object.fromEntries(CLASS_IDS.map((id, i) => [id, raw[i]! / sum])) as Record<ClassId, number>;
}

/**
 * Writes a backup of `count` distinct 96×96 phantom crops with labels (every 11th unsure), exams, zones,
 * dates over two weeks, and optionally predictions from the given model versions (about 70 % right).
 */
export async function writeGeneratedLibrary(
  name: string,
  count: number,
  versions: ReadonlyArray<{ modelId: string; modelVersion: string; skill: number }> = [],
): Promise<GeneratedLibrary> {
  mkdirSync(BACKUPS, { recursive: true });
  const rand = seededRandom(count * 31 + versions.length);
  const records: CaseRecord[] = [];
  const day0 = Date.UTC(2026, 10, 1, 9, 0, 0);
  for (let i = 0; i < count; i++) {
    const { frame } = makeTestFrame({
      width: 96,
      height: 96,
      seed: 1000 + i,
      shape: i % 2 ? 'linear' : 'convex',
      area: { x: 4, y: 4, width: 88, height: 88 },
      chrome: false,
      fluid: i % 3 === 0,
    });
    const png = encodeGreyPng(frame);
    const id = createHash('sha256').update(png).digest('hex');
    const label: ClinicianLabel = i % 11 === 10 ? 'unsure' : CLASS_IDS[i % 4]!;
    const created = day0 + i * 3_600_000 * 1.1;
    const predictions: Record<string, StoredPrediction> = {};
    for (const v of versions) {
      const truthIdx = label === 'unsure' ? Math.floor(rand() * 4) : CLASS_IDS.indexOf(label);
      const top =
        rand() < v.skill ? CLASS_IDS[truthIdx]! : CLASS_IDS[(truthIdx + 1 + Math.floor(rand() * 3)) % 4]!;
      predictions[`${v.modelId}@${v.modelVersion}`] = {
        status: 'scored',
        modelId: v.modelId,
        modelVersion: v.modelVersion,
        at: created + 1000,
        probabilities: probabilities(top, rand),
        top,
        lowConfidence: false,
        backend: 'wasm',
        inferenceMs: 4,
      };
    }
    records.push({
      id,
      kind: 'frame',
      created,
      updated: created,
      source: `generated-${i + 1}.png`,
      image: new Blob([new Uint8Array(png)], { type: 'image/png' }),
      imageKind: 'cropped',
      imageWidth: 96,
      imageHeight: 96,
      thumbnail: new Blob([new Uint8Array(png)], { type: 'image/png' }),
      crop: { x: 100, y: 50, width: 96, height: 96 },
      frameWidth: 640,
      frameHeight: 480,
      label,
      reader: 'GEN',
      labelHistory: [{ at: created, by: 'GEN', from: null, to: label }],
      examId: `EX-${String.fromCharCode(65 + (i % 5))}`,
      zone: LUNG_ZONES[i % LUNG_ZONES.length]!.id,
      notes: i === 0 ? 'first, with "quotes", and a comma' : '',
      predictions,
    });
  }
  const path = join(BACKUPS, `${name}.zip`);
  writeFileSync(path, await encodeBackup(records, new Date(day0)));
  return { path, records };
}

export async function openTab(
  page: Page,
  name: 'Classify' | 'Cases' | 'Dashboard' | 'Settings',
): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
}

/** Restores a backup file through the Cases screen and waits for the confirmation. */
export async function restoreBackup(page: Page, path: string): Promise<void> {
  await openTab(page, 'Cases');
  await page.getByTestId('backup-file').setInputFiles(path);
  await expect(page.getByTestId('library-note')).toContainText(/Restored \d+/, { timeout: 60_000 });
}

/** Clicks `trigger` and returns the downloaded file's bytes. */
export async function download(
  page: Page,
  trigger: () => Promise<void>,
): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), trigger()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

/**
 * Sets the exam in the save panel: the exam in use is shown as a fixed code, so another exam needs
 * "New exam" first (typing onto the shown code is not possible).
 */
export async function setExam(page: Page, code: string): Promise<void> {
  const current = page.getByTestId('exam-current');
  if (await current.count()) {
    if ((await current.getAttribute('data-exam')) === code) return;
    await page.getByTestId('new-exam').click();
  }
  await page.getByTestId('exam-id').fill(code);
}

/** Saves the frame at `path` from the Classify screen with a label key (1–4, U). */
export async function saveFrameAsCase(
  page: Page,
  path: string,
  key: string,
  details: { reader?: string; exam?: string; zone?: string; notes?: string } = {},
): Promise<string> {
  await openTab(page, 'Classify');
  await dropFile(page, path);
  await expect(page.getByTestId('save-case')).toBeVisible({ timeout: 60_000 });
  await page.locator('body').press(key);
  if (details.reader !== undefined) await page.getByTestId('reader-initials').fill(details.reader);
  // Initials carry over from the last save (read from the library's settings).
  else await expect(page.getByTestId('reader-initials')).not.toHaveValue('');
  if (details.exam !== undefined) await setExam(page, details.exam);
  if (details.zone !== undefined) await page.getByTestId('zone').selectOption(details.zone);
  if (details.notes !== undefined) await page.getByTestId('notes').fill(details.notes);
  await page.getByTestId('save-case-button').click();
  const outcome = page.getByTestId('save-outcome');
  await expect(outcome).toBeVisible({ timeout: 30_000 });
  return (await outcome.textContent()) ?? '';
}

/**
 * Opens the app on WASM. On this shared two-core machine the first WebAssembly compile of a fresh browser
 * can overrun the backend probe's 10 s timeout ("The wasm backend failed to initialise"); that start-up
 * failure is retried once so the case-library specs test the library, not the machine's load.
 */
export async function openLibraryApp(page: Page): Promise<void> {
  await page.goto('/?model=fixture-tiny&backend=wasm');
  await waitForModel(page);
}

async function waitForModel(page: Page): Promise<void> {
  const ready = page.getByTestId('backend');
  const failed = page.getByTestId('model-error');
  await expect(ready.or(failed)).toBeVisible({ timeout: 90_000 });
  if (await failed.isVisible()) {
    await expect(failed).toContainText('failed to initialise');
    await page.reload();
    await expect(ready).toBeVisible({ timeout: 90_000 });
  }
}

/** Reloads the page and waits for the model, with the same single retry as openLibraryApp. */
export async function reloadApp(page: Page): Promise<void> {
  await page.reload();
  await waitForModel(page);
}
