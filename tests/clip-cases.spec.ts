// Clip cases: a clip read on Classify is saved as one case (its frames, read-out, label, exam), DICOM keeps no patient value in storage, re-scoring reads its frames again, the dashboard counts it once, a backup brings it back.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeClipFixtures, type ClipFixtures } from './helpers/clipFiles';
import { PATIENT_TAGS } from './helpers/dicomFiles';
import { FRAMES } from './helpers/fixtures';
import { dropFile } from './helpers/app';
import {
  BACKUPS,
  download,
  openLibraryApp,
  openTab,
  reloadApp,
  saveFrameAsCase,
} from './helpers/caseLibrary';

let clips: ClipFixtures;
test.beforeAll(async () => {
  test.setTimeout(600_000);
  clips = await writeClipFixtures();
});

interface StoredClipCase {
  id: string;
  kind: string;
  source: string;
  label: string;
  reader: string;
  examId: string;
  clip?: {
    frames: number;
    frameTypes: string[];
    technical: Record<string, unknown> | null;
    sampling: unknown;
  };
  predictions: Record<string, Record<string, unknown>>;
  /** The whole record as JSON (blobs as their sizes), and every stored image's bytes as Latin-1 text. */
  everything: string;
}

/** Every case as IndexedDB holds it, read in the page (not through the app). */
function storedCases(page: Page): Promise<StoredClipCase[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('lus-signs');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
      const req = db.transaction('cases').objectStore('cases').getAll();
      req.onsuccess = () => resolve(req.result as Array<Record<string, unknown>>);
      req.onerror = () => reject(req.error);
    });
    db.close();
    const latin1 = async (b: Blob) =>
      Array.from(new Uint8Array(await b.arrayBuffer()), (c) => String.fromCharCode(c)).join('');
    const out = [];
    for (const r of all) {
      const clip = r.clip as
        | { frames: Array<{ image: Blob }>; technical: Record<string, unknown> | null; sampling: unknown }
        | undefined;
      const blobs = [r.image as Blob, r.thumbnail as Blob, ...(clip?.frames.map((f) => f.image) ?? [])];
      const json = JSON.stringify(r, (_k, v: unknown) => (v instanceof Blob ? `blob:${v.size}` : v));
      out.push({
        id: r.id as string,
        kind: r.kind as string,
        source: r.source as string,
        label: r.label as string,
        reader: r.reader as string,
        examId: r.examId as string,
        ...(clip
          ? {
              clip: {
                frames: clip.frames.length,
                frameTypes: [...new Set(clip.frames.map((f) => f.image.type))],
                technical: clip.technical,
                sampling: clip.sampling,
              },
            }
          : {}),
        predictions: r.predictions as Record<string, Record<string, unknown>>,
        everything: json + (await Promise.all(blobs.map(latin1))).join(''),
      });
    }
    return out;
  });
}

async function saveClip(page: Page, path: string, mime: string, key: string, frames: number) {
  await dropFile(page, path, mime);
  await expect(page.getByTestId('clip-frames')).toHaveAttribute('data-sampled', String(frames), {
    timeout: 90_000,
  });
  const panel = page.getByTestId('save-case');
  await expect(panel).toHaveAttribute('data-kind', 'clip');
  await page.locator('body').press(key);
  await page.getByTestId('save-case-button').click();
  await expect(page.getByTestId('save-outcome')).toContainText(
    `a clip of ${frames} frames, the scan region only`,
    {
      timeout: 60_000,
    },
  );
}

const byId = (cases: StoredClipCase[], source: RegExp) => cases.find((c) => source.test(c.source))!;

test('a clip is saved from its read-out as one case: frames, read-out, label and exam; no DICOM patient value is stored; re-scoring, the dashboard and a backup keep it one case', async ({
  page,
}, info) => {
  test.setTimeout(420_000);
  await page.setViewportSize({ width: 820, height: 1180 });
  await openLibraryApp(page);

  // A frame case beside the clips, saved the way frames always were.
  await saveFrameAsCase(page, join(FRAMES, 'scan-1.png'), '1', { reader: 'AB', exam: 'EX-CLIP' });

  // The MP4: the clip read-out names who read it; the same label keys and fields as a frame.
  await dropFile(page, clips.mp4, 'video/mp4');
  await expect(page.getByTestId('clip-read-by')).toContainText('read by model fixture-tiny v', {
    timeout: 90_000,
  });
  await expect(page.getByTestId('clip-backend')).toHaveText('WASM');
  await expect(page.getByTestId('reader-initials')).toHaveValue('AB');
  await expect(page.getByTestId('exam-current')).toHaveAttribute('data-exam', 'EX-CLIP');
  await page.screenshot({ path: info.outputPath('clip-save-820x1180.png'), fullPage: true });
  await saveClip(page, clips.mp4, 'video/mp4', '2', 30);
  // Saving the same clip again is the same case.
  await page.locator('body').press('4');
  await page.getByTestId('save-case-button').click();
  await expect(page.getByTestId('save-outcome')).toContainText(
    'Already in the library: label changed from B-lines to Lung consolidation.',
  );

  // The DICOM clip, whose header carries a patient's name, IDs, birth date and accession number.
  await saveClip(page, clips.dicomRle, 'application/dicom', '3', 12);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: info.outputPath('clip-saved-1440x900.png'), fullPage: true });

  let cases = await storedCases(page);
  expect(cases.map((c) => c.kind).sort()).toEqual(['clip', 'clip', 'frame']);
  const mp4 = byId(cases, /\.mp4$/);
  const dicom = byId(cases, /\.dcm$/);
  expect(mp4).toMatchObject({ label: 'consolidation', reader: 'AB', examId: 'EX-CLIP' });
  expect(mp4.clip).toMatchObject({ frames: 30, frameTypes: ['image/jpeg'], technical: null });
  const [key, p] = Object.entries(mp4.predictions)[0]!;
  expect(key).toMatch(/^fixture-tiny@/);
  expect(p).toMatchObject({ modelId: 'fixture-tiny', backend: 'wasm' });
  const counts = p.clip as {
    framesSampled: number;
    framesRead: number;
    framesRefused: number;
    framesUnreadable: number;
  };
  expect(counts.framesSampled).toBe(30);
  expect(counts.framesRead + counts.framesRefused + counts.framesUnreadable).toBe(30);
  const probs = Object.values(p.probabilities as Record<string, number>);
  expect(probs).toHaveLength(4);
  expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-3);

  expect(dicom).toMatchObject({ label: 'pleural_effusion', clip: { frames: 12 } });
  expect(dicom.clip!.technical).toMatchObject({
    manufacturer: 'Phantom Medical',
    model: 'LUS-Synth 2',
    transducer: 'C5-1',
  });
  expect(Object.keys(dicom.clip!.technical!).sort()).toEqual(
    ['frameRate', 'manufacturer', 'modality', 'model', 'regions', 'transducer'].sort(),
  );
  // Names, IDs, birth dates, accession numbers and every other patient value: in no stored record or image.
  for (const c of cases)
    for (const [tag, value] of Object.entries(PATIENT_TAGS))
      for (const part of [value, ...value.split('^')].filter((v) => v.length > 3))
        expect(c.everything.includes(part), `${tag} (${part}) stored in ${c.source}`).toBe(false);

  // The library shows a clip as one case, marked as a clip; opened, it says what it keeps.
  await openTab(page, 'Cases');
  await expect(page.getByTestId('case-card')).toHaveCount(3);
  await expect(page.locator('[data-testid="case-card"][data-kind="clip"]')).toHaveCount(2);
  await expect(page.locator(`[data-case-id="${mp4.id}"] [data-testid="case-clip-badge"]`)).toHaveText(
    'Clip · 30 frames · 2.0 s',
  );
  await page.screenshot({ path: info.outputPath('clip-library-1440x900.png') });
  await page.locator(`[data-testid="case-card"][data-case-id="${dicom.id}"] .case-open`).click();
  await expect(page.getByTestId('case-clip-note')).toContainText('12 stored frames of 12');
  await expect(page.getByTestId('case-clip-note')).toContainText(
    'Scanner: Phantom Medical · LUS-Synth 2 · C5-1',
  );
  await expect(page.getByTestId('case-prediction-clip')).toContainText(/clip: \d+ of 12 frames read/);
  // Any stored frame can be shown; the clearest is shown first.
  await expect(page.getByTestId('case-clip-frame-note')).toHaveText('The clearest frame');
  const picture = page.getByTestId('case-detail').locator('.case-image-frame img');
  const clearest = await picture.getAttribute('src');
  await page.getByTestId('case-clip-frame').fill('11');
  await expect(page.getByTestId('case-clip-frame-note')).toHaveText('Frame 12 at 0.44 s');
  await expect(picture).not.toHaveAttribute('src', clearest!);
  await page.screenshot({ path: info.outputPath('clip-case-detail-1440x900.png') });
  await page.getByTestId('case-close').click();

  // The dashboard: two clips and a frame are three samples.
  await openTab(page, 'Dashboard');
  const matrix = page.locator('[data-testid^="a-cm-"][data-count]');
  await expect(matrix).toHaveCount(16);
  const total = async () => {
    let n = 0;
    for (const cell of await matrix.all()) n += Number(await cell.getAttribute('data-count'));
    return n;
  };
  await expect.poll(total).toBe(3);
  // The consolidation row (truth 3) holds the MP4 clip, the effusion row (truth 2) the DICOM clip.
  const row = async (t: number) => {
    let n = 0;
    for (let q = 0; q < 4; q++)
      n += Number(await page.getByTestId(`a-cm-${t}-${q}`).getAttribute('data-count'));
    return n;
  };
  expect([await row(0), await row(1), await row(2), await row(3)]).toEqual([1, 0, 1, 1]);

  // Re-scoring: the MP4 clip lost its result (as if an older model had read it); re-scoring reads its 30
  // stored frames again and stores a clip read-out for this version.
  await page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const open = indexedDB.open('lus-signs');
      open.onsuccess = () => resolve(open.result);
    });
    const tx = db.transaction('cases', 'readwrite');
    const store = tx.objectStore('cases');
    const req = store.get(id);
    req.onsuccess = () => store.put({ ...req.result, predictions: {} });
    await new Promise((r) => (tx.oncomplete = r));
    db.close();
  }, mp4.id);
  await reloadApp(page);
  await openTab(page, 'Cases');
  await expect(page.getByTestId('rescore-start')).toHaveText('Re-score 1 case');
  await page.getByTestId('rescore-start').click();
  await expect(page.getByTestId('rescore-status')).toContainText('Last run: 1 cases', { timeout: 120_000 });
  cases = await storedCases(page);
  const again = byId(cases, /\.mp4$/).predictions[key]!;
  expect(again).toMatchObject({ modelId: 'fixture-tiny', backend: 'wasm' });
  const c2 = again.clip as typeof counts;
  expect(c2.framesSampled).toBe(30);
  expect(c2.framesRead + c2.framesRefused + c2.framesUnreadable).toBe(30);

  // Backup → delete all → restore: the clips come back whole, still clips.
  const backup = await download(page, () => page.getByTestId('backup-export').click());
  mkdirSync(BACKUPS, { recursive: true });
  const backupPath = join(BACKUPS, 'clip-cases.zip');
  writeFileSync(backupPath, backup.bytes);
  await page.getByTestId('delete-all').click();
  await page.getByTestId('delete-all-confirm').click();
  await expect(page.getByTestId('case-card')).toHaveCount(0);
  await page.getByTestId('backup-file').setInputFiles(backupPath);
  await expect(page.getByTestId('library-note')).toContainText('Restored 3 cases');
  await expect(page.locator('[data-testid="case-card"][data-kind="clip"]')).toHaveCount(2);
  const restored = await storedCases(page);
  for (const before of cases) {
    const after = restored.find((c) => c.id === before.id)!;
    expect(after.kind).toBe(before.kind);
    expect(after.clip).toEqual(before.clip);
    expect(after.label).toBe(before.label);
  }
});

test('when storage is full, saving a clip says how much room it needs, and saves once there is room', async ({
  page,
}) => {
  await openLibraryApp(page);
  // As in cases.spec: Chromium's quota override is not enforced for IndexedDB, so put throws while
  // `storageFull` is set.
  await page.evaluate(() => {
    const proto = IDBObjectStore.prototype;
    const realPut = proto.put;
    (window as unknown as { storageFull: boolean }).storageFull = true;
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if ((window as unknown as { storageFull: boolean }).storageFull)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realPut.apply(this, args);
    };
  });
  await dropFile(page, clips.mp4, 'video/mp4');
  await expect(page.getByTestId('save-case')).toHaveAttribute('data-kind', 'clip', { timeout: 90_000 });
  await page.locator('body').press('2');
  await page.getByTestId('reader-initials').fill('AB');
  await page.getByTestId('save-case-button').click();
  await expect(page.getByTestId('save-problem')).toContainText(
    /^Storage is full: this clip needs about \d+(\.\d)? (KB|MB)\. Export a backup and delete old cases/,
  );
  await expect(page.getByTestId('storage-problem')).toHaveAttribute('data-kind', 'quota');
  await page.evaluate(() => ((window as unknown as { storageFull: boolean }).storageFull = false));
  await page.getByTestId('save-case-button').click();
  await expect(page.getByTestId('save-outcome')).toContainText('a clip of 30 frames');
  await expect(page.getByTestId('storage-problem')).toHaveCount(0);
});
