// A device that holds today's layout (case library v2, batch progress in its own database, a model in OPFS) upgrades: nothing is lost.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchFolderFiles, writeBatchFolder, type BatchFolder } from './helpers/batchFolder';
import { openLibraryApp, openTab, writeGeneratedLibrary } from './helpers/caseLibrary';
import type { CaseRecord } from '../src/store/caseRecord';

const FIXTURE = join(import.meta.dirname, '..', 'public', 'models', 'fixture-tiny');
/** Frames of the interrupted batch already scored, stored in the old batch database. */
const SCORED_BEFORE = 6;
/** What the stored rows say: a B-lines reading the fixture model would not give, so a shown 0.7 came from storage. */
const STORED_P_B_LINES = 0.7;

let folder: BatchFolder;
let cases: CaseRecord[];

/** A record as the page can receive it: images as base64 (an array of numbers is slow to pass). */
type PageCase = Omit<CaseRecord, 'image' | 'thumbnail'> & {
  image: { type: string; base64: string };
  thumbnail: { type: string; base64: string };
};
const base64Of = async (blob: Blob) => Buffer.from(await blob.arrayBuffer()).toString('base64');

test.beforeAll(async () => {
  folder = writeBatchFolder('upgrade-audit');
  cases = (
    await writeGeneratedLibrary('store-upgrade', 6, [
      { modelId: 'fixture-tiny', modelVersion: '1.0.0', skill: 0.7 },
    ])
  ).records;
  // One case was relabelled by a second reader, one was labelled by a batch folder.
  const first = cases[0]!;
  const relabelAt = first.created + 600_000;
  cases[0] = {
    ...first,
    label: 'consolidation',
    reader: 'CD',
    updated: relabelAt,
    labelHistory: [
      ...first.labelHistory,
      { at: relabelAt, by: 'CD', from: first.label, to: 'consolidation' },
    ],
  };
  const second = cases[1]!;
  const source = {
    kind: 'folder' as const,
    folder: 'ward-audit/B-lines',
    batch: 'ward-audit',
    at: second.created,
  };
  cases[1] = {
    ...second,
    label: 'b_lines',
    reader: '',
    labelSource: source,
    labelHistory: [{ at: second.created, by: '', from: null, to: 'b_lines', source }],
  };
});

test('cases, batch progress in the old batch database and an imported model all survive the upgrade to one database', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.addInitScript(() => {
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('ward-audit');
  });

  // Today's layout, written on the app's origin before the app ever loads (a JSON file: no app code runs).
  await page.goto('/models/index.json');
  const pageCases: PageCase[] = await Promise.all(
    cases.map(async (c) => ({
      ...c,
      image: { type: c.image.type, base64: await base64Of(c.image) },
      thumbnail: { type: c.thumbnail.type, base64: await base64Of(c.thumbnail) },
    })),
  );
  const modelJson = JSON.parse(readFileSync(join(FIXTURE, 'model.json'), 'utf8')) as {
    userDefinedMetadata: { lusSigns: Record<string, unknown> };
  };
  Object.assign(modelJson.userDefinedMetadata.lusSigns, {
    id: 'hospital-test',
    version: '2.0.0',
    displayName: 'Hospital test model',
    isTestModel: false,
  });
  await page.evaluate(
    async ({ cases, files, model, scoredBefore, pBLines }) => {
      const request = <T>(r: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const done = (tx: IDBTransaction) =>
        new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onerror = tx.onabort = () => reject(tx.error);
        });
      const bytes = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const root = await navigator.storage.getDirectory();
      const writeFile = async (dir: FileSystemDirectoryHandle, path: string, data: Uint8Array | string) => {
        const parts = path.split('/');
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
        const w = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
        await w.write(data as FileSystemWriteChunkType);
        await w.close();
      };

      // The folder the interrupted batch was scoring.
      const folder = await root.getDirectoryHandle('ward-audit', { create: true });
      for (const f of files) await writeFile(folder, f.path, bytes(f.base64));

      // A hospital's model imported into the origin-private file system, as saveImportedModel leaves it.
      const models = await root.getDirectoryHandle('imported-models', { create: true });
      const modelDir = await models.getDirectoryHandle('hospital-test@2.0.0', { create: true });
      await writeFile(modelDir, 'group1-shard1of1.bin', bytes(model.shard));
      await writeFile(modelDir, 'model.json', model.json);

      // The case library at schema v2 (cases by creation, exam and update time; settings; jobs).
      const open = indexedDB.open('lus-signs', 2);
      open.onupgradeneeded = () => {
        const db = open.result;
        const store = db.createObjectStore('cases', { keyPath: 'id' });
        store.createIndex('by-created', 'created');
        store.createIndex('by-exam', 'examId');
        store.createIndex('by-updated', 'updated');
        db.createObjectStore('settings');
        db.createObjectStore('jobs', { keyPath: 'id' });
      };
      const library = await request(open);
      const tx = library.transaction(['cases', 'settings'], 'readwrite');
      for (const c of cases) {
        tx.objectStore('cases').put({
          ...c,
          image: new Blob([bytes(c.image.base64)], { type: c.image.type }),
          thumbnail: new Blob([bytes(c.thumbnail.base64)], { type: c.thumbnail.type }),
        });
      }
      tx.objectStore('settings').put(true, 'keepFullFrame');
      tx.objectStore('settings').put('CD', 'lastReader');
      await done(tx);
      library.close();

      // The batch progress in its own database, as batchJobs.ts kept it before v3: a cancelled run over
      // "ward-audit" with the first frames scored (each stored with the size and time of its file).
      const frames = files
        .filter((f) => f.path.endsWith('.png') && f.base64.length > 0)
        .slice(0, scoredBefore);
      const rows = [];
      for (const f of frames) {
        let dir = folder;
        const parts = f.path.split('/');
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
        const file = await (await dir.getFileHandle(parts.at(-1)!)).getFile();
        rows.push({
          jobId: 'job-before-upgrade',
          path: f.path,
          size: file.size,
          lastModified: file.lastModified,
          label: null,
          status: 'scored',
          ms: 20,
          score: {
            probabilities: { a_lines: 0.1, b_lines: pBLines, pleural_effusion: 0.1, consolidation: 0.1 },
            top: 'b_lines',
            lowConfidence: false,
            backend: 'wasm',
            modelId: 'fixture-tiny',
            modelVersion: '1.0.0',
            crop: { x: 0, y: 0, width: 192, height: 160 },
            frameWidth: 192,
            frameHeight: 160,
            gate: { pass: true, message: 'A lung-ultrasound frame.' },
          },
        });
      }
      const openBatch = indexedDB.open('lus-signs-batch', 1);
      openBatch.onupgradeneeded = () => {
        const db = openBatch.result;
        db.createObjectStore('jobs', { keyPath: 'id' }).createIndex('by-updated', 'updatedAt');
        db.createObjectStore('rows', { keyPath: ['jobId', 'path'] }).createIndex('by-job', 'jobId');
      };
      const batch = await request(openBatch);
      const btx = batch.transaction(['jobs', 'rows'], 'readwrite');
      btx.objectStore('jobs').put({
        id: 'job-before-upgrade',
        folderName: 'ward-audit',
        modelKey: 'fixture-tiny@1.0.0',
        startedAt: Date.now() - 600_000,
        updatedAt: Date.now() - 500_000,
        total: 43,
        done: rows.length,
        state: 'cancelled',
      });
      for (const r of rows) btx.objectStore('rows').put(r);
      await done(btx);
      batch.close();
    },
    {
      cases: pageCases,
      files: batchFolderFiles(folder),
      model: {
        json: JSON.stringify(modelJson),
        shard: readFileSync(join(FIXTURE, 'group1-shard1of1.bin')).toString('base64'),
      },
      scoredBefore: SCORED_BEFORE,
      pBLines: STORED_P_B_LINES,
    },
  );
  const databases = () =>
    page.evaluate(async () =>
      (await indexedDB.databases()).map((d) => `${d.name}@${d.version}`).sort((a, b) => a.localeCompare(b)),
    );
  expect(await databases()).toEqual(['lus-signs-batch@1', 'lus-signs@2']);

  // The new version loads: one database at today's version (v4), the old batch database gone.
  await openLibraryApp(page);
  // The interrupted batch is offered where the user lands.
  const banner = page.getByTestId('batch-resume-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('ward-audit');
  await expect(banner).toHaveAttribute('data-done', String(SCORED_BEFORE));
  await expect.poll(databases).toEqual(['lus-signs@4']);
  await expect(page.getByTestId('storage-problem')).toHaveCount(0);

  // Every case is in the library with its label, source, history and predictions; settings kept.
  await openTab(page, 'Cases');
  const cards = page.getByTestId('case-card');
  await expect(cards).toHaveCount(cases.length);
  await expect(page.getByTestId('case-count')).toHaveAttribute('data-count', String(cases.length));
  for (const c of cases) {
    const card = page.locator(`[data-testid="case-card"][data-case-id="${c.id}"]`);
    await expect(card).toHaveAttribute('data-label', c.label);
    await expect(card).toHaveAttribute('data-source', c.source);
    await expect(card).toHaveAttribute('data-label-source', c.labelSource ? 'folder' : 'reader');
  }
  await expect(page.getByTestId('keep-full-frame')).toBeChecked();
  await page.locator(`[data-testid="case-card"][data-case-id="${cases[0]!.id}"] .case-open`).click();
  const detail = page.getByTestId('case-detail');
  await expect(detail.getByTestId('label-history').locator('li')).toHaveCount(2);
  await expect(detail.getByTestId('label-history')).toContainText('CD');
  await expect(detail.getByTestId('case-predictions')).toContainText('1.0.0');
  await page.getByTestId('case-close').click();

  // The imported model is still listed.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByTestId('imported-hospital-test@2.0.0')).toContainText('Hospital test model v2.0.0');

  // The batch screen offers the run; resuming skips the frames scored before the upgrade and shows their
  // stored results.
  await page.getByRole('button', { name: 'Batch', exact: true }).click();
  const offer = page.getByTestId('batch-resume-offer');
  await expect(offer).toHaveAttribute('data-done', String(SCORED_BEFORE));
  await expect(offer).toContainText('ward-audit');
  await page.getByTestId('batch-resume-choose').click();
  await expect(page.getByTestId('batch-resumed')).toHaveAttribute('data-count', String(SCORED_BEFORE));
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'finished', { timeout: 180_000 });
  await expect(page.getByTestId('batch-table')).toHaveAttribute('data-rows', '40');
  const fromStorage = await page
    .locator('[data-testid="batch-row"] [data-testid="batch-p-b_lines"]')
    .evaluateAll((cells) => cells.filter((c) => c.getAttribute('data-value') === '0.7').length);
  expect(fromStorage).toBe(SCORED_BEFORE);
});
