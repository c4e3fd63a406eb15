// Batch folders with clips: a video or DICOM clip in a picked folder is scored as one clip row (its read-out and frame counts, as the command line writes it), Table 1 counts it once, and "Save all as cases" saves it as a clip case.
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openApp } from './helpers/app';
import { readBatchCsv } from './helpers/batchCsv';
import { BATCH_ROOT } from './helpers/batchFolder';
import { writeClipFixtures } from './helpers/clipFiles';
import { PATIENT_TAGS } from './helpers/dicomFiles';
import { FRAMES } from './helpers/fixtures';

const repo = join(import.meta.dirname, '..');
const root = join(BATCH_ROOT, 'clip-audit');
let cli: Array<Record<string, string>>;

test.beforeAll(async () => {
  // Encoding the clip fixtures (once) and the command line's run take minutes on a busy 2-core machine.
  test.setTimeout(600_000);
  const clips = await writeClipFixtures();
  rmSync(root, { recursive: true, force: true });
  for (const [from, to] of [
    [clips.mp4, 'B-lines/cine.mp4'],
    [clips.dicomRle, 'Effusion/cine-rle.dcm'],
    [join(FRAMES, 'scan-1.png'), 'a_lines/still.png'],
    [clips.dicomNoise, 'noise.dcm'],
  ] as const) {
    mkdirSync(join(root, to, '..'), { recursive: true });
    copyFileSync(from, join(root, to));
  }
  // The command line on the same folder: the app's clip rows must say what its rows say.
  const out = join(BATCH_ROOT, 'cli-clip-audit.csv');
  const r = spawnSync(
    process.execPath,
    [
      join(repo, 'cli', 'lus-signs.mjs'),
      'score',
      root,
      '--model',
      join(repo, 'public/models/fixture-tiny'),
      '--out',
      out,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (r.status !== 0) throw new Error(`lus-signs failed: ${r.stderr}`);
  cli = readBatchCsv(readFileSync(out, 'utf8'));
});

/** Every stored case: its kind, label, label source and the frames it keeps; and all its JSON for a search. */
const storedCases = (page: Page) =>
  page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('lus-signs');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<Array<Record<string, unknown>>>((resolve) => {
      const req = db.transaction('cases').objectStore('cases').getAll();
      req.onsuccess = () => resolve(req.result as Array<Record<string, unknown>>);
    });
    db.close();
    return all.map((r) => ({
      source: r.source as string,
      kind: r.kind as string,
      label: r.label as string,
      labelSource: (r.labelSource as { folder?: string } | undefined)?.folder ?? null,
      frames: (r.clip as { frames: unknown[] } | undefined)?.frames.length ?? null,
      predictions: Object.values(r.predictions as Record<string, { clip?: { framesSampled: number } }>),
      json: JSON.stringify(r, (_k, v: unknown) => (v instanceof Blob ? `blob:${v.size}` : v)),
    }));
  });

test('clips in a picked folder are scored as clips, counted once, and saved as clip cases', async ({
  page,
}, info) => {
  // Beside another spec on a busy two-core machine, reading three clips twice (scoring, saving) takes minutes.
  test.setTimeout(480_000);
  await openApp(page, { backend: 'wasm' });
  await page.getByRole('button', { name: 'Batch', exact: true }).click();
  await page.getByTestId('batch-folder-input').setInputFiles(root);
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'finished', { timeout: 180_000 });

  // Four rows, none refused as "not an image": three clips and a frame.
  const summary = page.getByTestId('batch-summary');
  await expect(summary).toHaveAttribute('data-scored', '3');
  await expect(summary).toHaveAttribute('data-refused', '1');
  await expect(summary).toHaveAttribute('data-skipped', '0');
  await expect(summary).toHaveAttribute('data-unreadable', '0');
  await expect(page.locator('[data-testid="batch-row"][data-kind="clip"]')).toHaveCount(3);
  await expect(page.locator('[data-testid="batch-row"][data-kind="frame"]')).toHaveCount(1);
  const mp4 = page.locator('[data-testid="batch-row"][data-path="B-lines/cine.mp4"]');
  await expect(mp4.getByTestId('batch-clip-counts')).toContainText(/clip: \d+ of 30 frames read/);
  await expect(page.locator('[data-testid="batch-row"][data-path="noise.dcm"]')).toHaveAttribute(
    'data-gate',
    'refused',
  );
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.screenshot({ path: info.outputPath('batch-clips-820x1180.png'), fullPage: true });

  // The CSV says what the command line says about each clip.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('batch-export').click(),
  ]);
  const app = readBatchCsv(readFileSync((await download.path())!, 'utf8'));
  const cliClips = cli.filter((r) => r.kind !== 'clip-frame');
  expect(app.map((r) => r.path)).toEqual(cliClips.map((r) => r.path));
  for (const row of app) {
    const c = cliClips.find((r) => r.path === row.path)!;
    expect([row.path, row.kind, row.status, row.label, row.frames_sampled]).toEqual([
      c.path,
      c.kind,
      c.status,
      c.label,
      c.frames_sampled,
    ]);
  }

  // Table 1 and the confusion matrix count each labelled clip once: three labelled, scored rows.
  await expect(page.getByTestId('batch-metrics')).toBeVisible();
  let inMatrix = 0;
  for (let t = 0; t < 4; t++)
    for (let q = 0; q < 4; q++)
      inMatrix += Number(await page.getByTestId(`batch-cm-${t}-${q}`).getAttribute('data-count'));
  expect(inMatrix).toBe(3);

  // Save all as cases: the clips become clip cases with their folder's label; twice adds nothing.
  await page.getByTestId('batch-save-cases').click();
  await expect(page.getByTestId('batch-save-result')).toHaveAttribute('data-created', '4', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('batch-save-result')).toHaveAttribute('data-failed', '0');
  const cases = await storedCases(page);
  const bySource = (end: string) => cases.find((c) => c.source.endsWith(end))!;
  expect(bySource('cine.mp4')).toMatchObject({
    kind: 'clip',
    label: 'b_lines',
    labelSource: 'clip-audit/B-lines',
    frames: 30,
  });
  expect(bySource('cine-rle.dcm')).toMatchObject({ kind: 'clip', label: 'pleural_effusion', frames: 12 });
  expect(bySource('noise.dcm')).toMatchObject({ kind: 'clip', label: 'unlabelled', frames: 6 });
  expect(bySource('still.png')).toMatchObject({ kind: 'frame', label: 'a_lines', frames: null });
  expect(bySource('cine.mp4').predictions[0]!.clip).toMatchObject({ framesSampled: 30 });
  for (const c of cases)
    for (const value of Object.values(PATIENT_TAGS))
      for (const part of [value, ...value.split('^')].filter((v) => v.length > 3))
        expect(c.json.includes(part), `${part} stored in ${c.source}`).toBe(false);
  await page.getByTestId('batch-save-cases').click();
  await expect(page.getByTestId('batch-save-result')).toHaveAttribute('data-existing', '4', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('batch-save-result')).toHaveAttribute('data-created', '0');
});
