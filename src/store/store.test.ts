// The case store on fake-indexeddb: save and dedupe, label history, migration from v1, quota, blocked, backups.
// The upgrade from today's two databases (v2 + the batch database) to v3 is tested in upgrade.test.ts.

import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClassId } from '../core';
import { DB_VERSION, MIGRATIONS, openCaseDbAt, useDatabaseName, type CaseDb } from './db';
import {
  BackupProblem,
  addPredictions,
  clearRescoreJob,
  countCases,
  currentStorageProblem,
  decodeBackup,
  deleteAllCases,
  deleteCases,
  deleteExam,
  encodeBackup,
  getCase,
  isQuotaError,
  isReaderLabel,
  labelOrigin,
  listCases,
  readRescoreJob,
  readSettings,
  relabelCase,
  reportStorageProblem,
  restoreCases,
  restoreDeletedCases,
  saveCase,
  caseIdOf,
  storedCaseIdOf,
  saveRescoreJob,
  saveSettings,
  sha256Hex,
  casesCsv,
  StorageError,
  type NewCase,
  type StoredPrediction,
} from './index';
import { strToU8, zipSync } from 'fflate';

let dbCounter = 0;
beforeEach(async () => {
  reportStorageProblem(null);
  await useDatabaseName(`lus-test-${++dbCounter}`);
});
afterEach(async () => {
  await useDatabaseName('lus-signs');
});

function png(seed: number): Blob {
  // Distinct bytes per seed stand in for an encoded image; the store only hashes and keeps them.
  return new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, seed, seed * 7, seed * 13])], {
    type: 'image/png',
  });
}

function prediction(version: string, top: ClassId = 'b_lines'): StoredPrediction {
  const probabilities = { a_lines: 0.1, b_lines: 0.1, pleural_effusion: 0.1, consolidation: 0.1, [top]: 0.7 };
  return {
    status: 'scored',
    modelId: 'fixture-tiny',
    modelVersion: version,
    at: 1000,
    probabilities,
    top,
    lowConfidence: false,
    backend: 'wasm',
    inferenceMs: 3,
  };
}

function newCase(seed: number, extra: Partial<NewCase> = {}): NewCase {
  return {
    source: `scan-${seed}.png`,
    image: png(seed),
    imageKind: 'cropped',
    imageWidth: 380,
    imageHeight: 360,
    thumbnail: new Blob([new Uint8Array([seed])], { type: 'image/jpeg' }),
    crop: { x: 120, y: 60, width: 380, height: 360 },
    frameWidth: 640,
    frameHeight: 480,
    label: 'b_lines',
    reader: 'AB',
    examId: 'EX-1',
    zone: 'blue-R-upper',
    notes: '',
    prediction: prediction('1.0.0'),
    ...extra,
  };
}

describe('saving cases', () => {
  it('identifies a case by the SHA-256 of its image and records the first label', async () => {
    const { record, created } = await saveCase(newCase(1), 5000);
    expect(created).toBe(true);
    expect(record.id).toBe(await sha256Hex(png(1)));
    expect(record.id).toMatch(/^[0-9a-f]{64}$/);
    expect(record.labelHistory).toEqual([{ at: 5000, by: 'AB', from: null, to: 'b_lines' }]);
    expect(record.predictions['fixture-tiny@1.0.0']?.status).toBe('scored');
    const back = await getCase(record.id);
    expect(new Uint8Array(await back!.image.arrayBuffer())).toEqual(
      new Uint8Array(await png(1).arrayBuffer()),
    );
  });

  it('saving the same frame twice does not duplicate it; a new label is recorded in the history', async () => {
    await saveCase(newCase(1), 5000);
    const { created, record } = await saveCase(newCase(1, { label: 'consolidation', reader: 'CD' }), 6000);
    expect(created).toBe(false);
    expect(await countCases()).toBe(1);
    expect(record.label).toBe('consolidation');
    expect(record.labelHistory).toEqual([
      { at: 5000, by: 'AB', from: null, to: 'b_lines' },
      { at: 6000, by: 'CD', from: 'b_lines', to: 'consolidation' },
    ]);
  });

  it('relabelling keeps the history and results of every model version are kept side by side', async () => {
    const { record } = await saveCase(newCase(2), 1);
    await relabelCase(record.id, 'unsure', 'EF', 2);
    await addPredictions([{ caseId: record.id, prediction: prediction('2.0.0', 'a_lines') }]);
    const back = (await getCase(record.id))!;
    expect(back.labelHistory.map((h) => [h.from, h.to, h.by])).toEqual([
      [null, 'b_lines', 'AB'],
      ['b_lines', 'unsure', 'EF'],
    ]);
    expect(Object.keys(back.predictions).sort()).toEqual(['fixture-tiny@1.0.0', 'fixture-tiny@2.0.0']);
  });

  it('delete returns the cases for Undo; delete-exam removes only that exam', async () => {
    const a = (await saveCase(newCase(1, { examId: 'EX-1' }))).record;
    const b = (await saveCase(newCase(2, { examId: 'EX-2' }))).record;
    await saveCase(newCase(3, { examId: 'EX-2' }));
    const removed = await deleteCases([a.id]);
    expect(await countCases()).toBe(2);
    await restoreDeletedCases(removed);
    expect(await getCase(a.id)).toEqual(a);
    const exam = await deleteExam('EX-2');
    expect(exam.map((r) => r.id).sort()).toContain(b.id);
    expect((await listCases()).map((r) => r.examId)).toEqual(['EX-1']);
  });

  it('keeps settings and the re-scoring job', async () => {
    expect((await readSettings()).keepFullFrame).toBe(false);
    await saveSettings({ keepFullFrame: true, lastReader: 'AB' });
    expect(await readSettings()).toMatchObject({ keepFullFrame: true, lastReader: 'AB' });
    await saveRescoreJob({
      id: 'rescore',
      modelId: 'm',
      modelVersion: '2',
      total: 3,
      remaining: ['x'],
      scored: 2,
      refused: 0,
      failed: 0,
      state: 'running',
      startedAt: 1,
      updatedAt: 2,
      workMs: 10,
    });
    expect((await readRescoreJob())?.remaining).toEqual(['x']);
    await clearRescoreJob();
    expect(await readRescoreJob()).toBeUndefined();
  });

  it('CSV of cases has no image data and one column group per model version', async () => {
    const { record } = await saveCase(newCase(1, { notes: 'pleural line, "thick"' }));
    await addPredictions([{ caseId: record.id, prediction: prediction('2.0.0', 'a_lines') }]);
    const csv = casesCsv(await listCases());
    const [header, row] = csv.trim().split('\n');
    expect(header).toContain('fixture-tiny@1.0.0 sign');
    expect(header).toContain('fixture-tiny@2.0.0 p_a_lines');
    expect(row).toContain('"pleural line, ""thick"""');
    expect(row).toContain(record.id);
  });
});

describe('folder labels and unlabelled frames (batch "Save all as cases")', () => {
  const folder = { kind: 'folder' as const, folder: 'ward-audit/B-lines', batch: '“ward-audit”', at: 7000 };

  it("records a folder label as the folder's, never a reader's, and an unlabelled frame with no label", async () => {
    const { record } = await saveCase(newCase(1, { reader: '', labelSource: folder }), 7000);
    expect(record.label).toBe('b_lines');
    expect(record.reader).toBe('');
    expect(record.labelSource).toEqual(folder);
    expect(isReaderLabel(record)).toBe(false);
    expect(labelOrigin(record)).toBe('folder');
    expect(record.labelHistory).toEqual([{ at: 7000, by: '', from: null, to: 'b_lines', source: folder }]);

    const bare = await saveCase(newCase(2, { label: 'unlabelled', reader: '' }), 7000);
    expect(bare.record.label).toBe('unlabelled');
    expect(bare.record.labelHistory).toEqual([]);
    expect(labelOrigin(bare.record)).toBe('none');
  });

  it("a reader's reading replaces a folder label, and the history keeps both", async () => {
    const { record } = await saveCase(newCase(1, { reader: '', labelSource: folder }), 7000);
    const read = await relabelCase(record.id, 'a_lines', 'NS', 8000);
    expect(read.labelSource).toBeUndefined();
    expect(read.reader).toBe('NS');
    expect(labelOrigin(read)).toBe('reader');
    expect(read.labelHistory.map((h) => [h.by, h.from, h.to, h.source?.folder ?? null])).toEqual([
      ['', null, 'b_lines', 'ward-audit/B-lines'],
      ['NS', 'b_lines', 'a_lines', null],
    ]);
  });

  it("a record stored before folder labels existed (no labelSource) still reads as a reader's label", () => {
    const old = { label: 'pleural_effusion' as const };
    expect(isReaderLabel(old)).toBe(true);
    expect(labelOrigin(old)).toBe('reader');
  });

  it('a backup keeps folder labels and unlabelled cases, and an old backup without them still restores', async () => {
    await saveCase(newCase(1, { reader: '', labelSource: folder }), 7000);
    await saveCase(newCase(2, { label: 'unlabelled', reader: '' }), 7000);
    await saveCase(newCase(3), 7000);
    const back = await decodeBackup(await encodeBackup(await listCases()));
    const byLabel = new Map(back.map((c) => [c.label, c]));
    expect(byLabel.get('b_lines')?.labelSource).toEqual(folder);
    expect(byLabel.get('unlabelled')?.labelHistory).toEqual([]);
    expect(back.filter((c) => !c.labelSource && c.label !== 'unlabelled')).toHaveLength(1);
    const csv = casesCsv(await listCases());
    expect(csv.split('\n')[0]).toContain('label_source');
    expect(csv).toContain('folder: ward-audit/B-lines');
  });
});

describe('migrations', () => {
  it('opens a database written by the first schema (v1) and backfills label history', async () => {
    const name = `lus-test-v1-${dbCounter}`;
    const v1 = await openCaseDbAt(name, 1);
    expect([...v1.objectStoreNames].sort()).toEqual(['cases', 'settings']);
    // A v1 record: no `updated`, no `labelHistory`.
    const {
      labelHistory: _h,
      updated: _u,
      ...old
    } = {
      ...newCase(4),
      id: await sha256Hex(png(4)),
      created: 1234,
      updated: 0,
      labelHistory: [],
      predictions: {},
    };
    await v1.put('cases', old as never);
    await v1.put('settings', true, 'keepFullFrame');
    v1.close();

    await useDatabaseName(name);
    const [migrated] = await listCases();
    expect(migrated!.updated).toBe(1234);
    expect(migrated!.labelHistory).toEqual([{ at: 1234, by: 'AB', from: null, to: 'b_lines' }]);
    expect(migrated!.kind).toBe('frame');
    expect((await readSettings()).keepFullFrame).toBe(true);
    // v2 added the jobs store and the by-updated index.
    await saveRescoreJob({
      id: 'rescore',
      modelId: 'm',
      modelVersion: '1',
      total: 0,
      remaining: [],
      scored: 0,
      refused: 0,
      failed: 0,
      state: 'finished',
      startedAt: 0,
      updatedAt: 0,
      workMs: 0,
    });
    const raw = await openDB(name);
    // Every later migration ran too (v3: the batch stores; v4: the kind of each case).
    expect(raw.version).toBe(DB_VERSION);
    expect([...raw.objectStoreNames].sort()).toEqual(['batchJobs', 'batchRows', 'cases', 'jobs', 'settings']);
    expect([...raw.transaction('cases').store.indexNames].sort()).toEqual([
      'by-created',
      'by-exam',
      'by-kind',
      'by-updated',
    ]);
    raw.close();
  });

  it('an old tab holding the database open blocks the upgrade with a message, which clears when it closes', async () => {
    const name = `lus-test-blocked-${dbCounter}`;
    // An old tab of an app without a `blocking` handler: it never lets go by itself.
    const oldTab = await openDB<CaseDb>(name, 1, {
      upgrade: (db, _o, _n, tx) => MIGRATIONS[0]!(db, tx as never),
    });
    await useDatabaseName(name);
    const opening = countCases();
    await new Promise((r) => setTimeout(r, 50));
    expect(currentStorageProblem()?.kind).toBe('blocked');
    expect(currentStorageProblem()?.message).toMatch(/Close the other LUS Signs tabs/);
    oldTab.close();
    expect(await opening).toBe(0);
    expect(currentStorageProblem()).toBeNull();
  });

  it('when a newer version opens elsewhere, this tab lets go and asks for a reload', async () => {
    await saveCase(newCase(1));
    const name = `lus-test-${dbCounter}`;
    const newer = await openDB(name, DB_VERSION + 1);
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(currentStorageProblem()?.kind).toBe('newer-version');
    newer.close();
  });
});

describe('quota', () => {
  it('a put that throws QuotaExceededError becomes the "storage full" state and earlier cases are intact', async () => {
    const first = (await saveCase(newCase(1))).record;
    const second = (await saveCase(newCase(2))).record;
    const proto = IDBObjectStore.prototype;
    const realPut = proto.put;
    proto.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      const failure = await saveCase(newCase(3)).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(StorageError);
      expect((failure as StorageError).kind).toBe('quota');
      expect(currentStorageProblem()).toEqual({
        kind: 'quota',
        message: expect.stringMatching(/^Storage is full: export a backup and delete old cases/),
      });
    } finally {
      proto.put = realPut;
    }
    const left = await listCases();
    expect(left.map((c) => c.id).sort()).toEqual([first.id, second.id].sort());
    expect(await getCase(first.id)).toEqual(first);
    // The next successful save clears the warning.
    await saveCase(newCase(3));
    expect(currentStorageProblem()).toBeNull();
    expect(await countCases()).toBe(3);
  });

  it('recognises quota errors wrapped as the inner error of an AbortError', () => {
    const abort = Object.assign(new DOMException('aborted', 'AbortError'), {
      inner: new DOMException('full', 'QuotaExceededError'),
    });
    expect(isQuotaError(abort)).toBe(true);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
  });
});

describe('backup', () => {
  it('backup → delete all → restore gives the same cases, images and label histories', async () => {
    await saveCase(newCase(1), 10);
    const { record } = await saveCase(newCase(2, { label: 'a_lines' }), 20);
    await relabelCase(record.id, 'pleural_effusion', 'XY', 30);
    const before = await listCases();
    const file = await encodeBackup(before);
    await deleteAllCases();
    expect(await countCases()).toBe(0);
    const decoded = await decodeBackup(file, 'backup.zip');
    expect(await restoreCases(decoded)).toEqual({ added: 2, merged: 0 });
    const after = await listCases();
    expect(after.map(({ image: _i, thumbnail: _t, ...r }) => r)).toEqual(
      before.map(({ image: _i, thumbnail: _t, ...r }) => r),
    );
    for (let i = 0; i < after.length; i++) {
      expect(new Uint8Array(await after[i]!.image.arrayBuffer())).toEqual(
        new Uint8Array(await before[i]!.image.arrayBuffer()),
      );
      expect(after[i]!.image.type).toBe('image/png');
    }
  });

  it('restoring onto a library that has the case keeps the newer version and both histories', async () => {
    const { record } = await saveCase(newCase(1), 10);
    const file = await encodeBackup(await listCases());
    await relabelCase(record.id, 'a_lines', 'ZZ', 50);
    const outcome = await restoreCases(await decodeBackup(file));
    expect(outcome).toEqual({ added: 0, merged: 1 });
    const back = (await getCase(record.id))!;
    expect(back.label).toBe('a_lines');
    expect(back.labelHistory).toHaveLength(2);
  });

  it('refuses a foreign, corrupt or tampered file with a message, and stores nothing', async () => {
    await saveCase(newCase(1));
    const good = await encodeBackup(await listCases());
    const notZip = new TextEncoder().encode('hello, this is a text file');
    const foreign = zipSync({ 'readme.txt': strToU8('hi') });
    const otherApp = zipSync({ 'manifest.json': strToU8(JSON.stringify({ format: 'something-else' })) });
    const truncated = good.slice(0, Math.floor(good.length / 2));
    // Swap one image byte: the fingerprint no longer matches.
    const tampered = await encodeBackup(
      (await listCases()).map((c) => ({
        ...c,
        image: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }),
      })),
    );
    const cases: Array<[Uint8Array, RegExp]> = [
      [notZip, /not a LUS Signs case backup: it is not a readable zip archive/],
      [foreign, /not a LUS Signs case backup: it has no manifest\.json/],
      [otherApp, /not a LUS Signs case backup\./],
      [truncated, /not a LUS Signs case backup|damaged/],
      [tampered, /does not match its fingerprint/],
    ];
    for (const [bytes, message] of cases) {
      const error = await decodeBackup(bytes, 'x.zip').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupProblem);
      expect((error as Error).message).toMatch(message);
    }
    expect(await countCases()).toBe(1);
  });
});

// ---- Clip cases -------------------------------------------------------------------------------------------

const jpeg = (seed: number, n: number) =>
  new Blob([new Uint8Array([0xff, 0xd8, 0xff, seed, n, (seed * 31 + n) % 256])], { type: 'image/jpeg' });

/** The allow-listed technical tags core/dicom lets out of a header. */
const TECHNICAL = {
  modality: 'US',
  manufacturer: 'Phantom Medical',
  model: 'LUS-Synth 2',
  transducer: 'C5-1',
  frameRate: 25,
  regions: [],
};

function clipPrediction(version: string): StoredPrediction {
  const scored = prediction(version, 'b_lines') as Extract<StoredPrediction, { status: 'scored' }>;
  return {
    ...scored,
    gate: 'passed' as const,
    clip: { framesSampled: 3, framesRead: 2, framesRefused: 1, framesUnreadable: 0 },
  };
}

function newClipCase(seed: number, extra: Partial<NewCase> = {}): NewCase {
  const frames = [0, 1, 2].map((n) => ({ image: jpeg(seed, n), index: n * 4, timeMs: n * 160 }));
  return {
    ...newCase(seed, { source: `cine-${seed}.dcm`, prediction: clipPrediction('1.0.0') }),
    image: frames[1]!.image,
    clip: {
      origin: 'dicom',
      format: 'DICOM Ultrasound Multi-frame Image Storage (RLE lossless, MONOCHROME2)',
      frameRate: 25,
      durationMs: 480,
      sampling: { framesInClip: 12, framesSampled: 3, everyFrame: false, limit: 64 },
      frames,
      technical: TECHNICAL,
    },
    ...extra,
  };
}

const bytesOf = async (b: Blob) => Array.from(new Uint8Array(await b.arrayBuffer()));

describe('clip cases', () => {
  it('a clip is one case: its id fingerprints its frames, saving it again only updates it', async () => {
    const input = newClipCase(5);
    const { record, created } = await saveCase(input, 100);
    expect(created).toBe(true);
    expect(record.kind).toBe('clip');
    const joined = new Uint8Array(
      (await Promise.all(input.clip!.frames.map((f) => bytesOf(f.image)))).flat(),
    );
    expect(record.id).toBe(await sha256Hex(joined));
    expect(record.id).not.toBe(await sha256Hex(input.image));
    const again = await saveCase(newClipCase(5, { label: 'consolidation', reader: 'CD' }), 200);
    expect(again.created).toBe(false);
    expect(await countCases()).toBe(1);
    expect(again.record.labelHistory.map((h) => h.to)).toEqual(['b_lines', 'consolidation']);
    // A frame case beside it stays a frame.
    expect((await saveCase(newCase(6))).record.kind).toBe('frame');
    const back = (await getCase(record.id))!;
    expect(back.clip!.frames.map((f) => [f.index, f.timeMs])).toEqual([
      [0, 0],
      [4, 160],
      [8, 320],
    ]);
    expect(await bytesOf(back.clip!.frames[2]!.image)).toEqual(await bytesOf(input.clip!.frames[2]!.image));
    expect(back.predictions['fixture-tiny@1.0.0']).toMatchObject({
      clip: { framesRead: 2, framesRefused: 1 },
      backend: 'wasm',
      modelVersion: '1.0.0',
    });
  });

  it('a clip read again from the same file is the same case, even when other frames were sampled', async () => {
    const sourceHash = 'ab'.repeat(32);
    const first = newClipCase(7);
    first.clip!.sourceHash = sourceHash;
    const { record } = await saveCase(first, 100);
    // A busy device measured another frame rate on the second read: other frames, the same file.
    const second = newClipCase(8, { label: 'consolidation', reader: 'CD' });
    second.clip!.sourceHash = sourceHash;
    expect(await caseIdOf(second)).not.toBe(record.id);
    expect(await storedCaseIdOf(second)).toBe(record.id);
    const again = await saveCase(second, 200);
    expect(again.created).toBe(false);
    expect(again.record.id).toBe(record.id);
    expect(await countCases()).toBe(1);
    expect(again.record.labelHistory.map((h) => h.to)).toEqual(['b_lines', 'consolidation']);
    // The stored frames stay the first read's, so the id still fingerprints them.
    const back = (await getCase(record.id))!;
    expect(await bytesOf(back.clip!.frames[0]!.image)).toEqual(await bytesOf(first.clip!.frames[0]!.image));
    // Another file with the same frames is still the same case (its frames say so); a third file is new.
    const other = newClipCase(9);
    other.clip!.sourceHash = 'cd'.repeat(32);
    expect(await storedCaseIdOf(other)).toBeUndefined();
    expect((await saveCase(other, 300)).created).toBe(true);
    expect(await countCases()).toBe(2);
  });

  it('a clip that does not fit says how much room it needs, and the library is untouched', async () => {
    const first = (await saveCase(newCase(1))).record;
    const proto = IDBObjectStore.prototype;
    const realPut = proto.put;
    proto.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    const big = newClipCase(7);
    big.clip!.frames = big.clip!.frames.map((f) => ({
      ...f,
      image: new Blob([new Uint8Array(600 * 1024).fill(f.index + 1)], { type: 'image/jpeg' }),
    }));
    try {
      const failure = await saveCase(big).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(StorageError);
      expect((failure as StorageError).kind).toBe('quota');
      // Three frames of 600 KB, the chosen frame and its thumbnail: about 1.8 MB.
      expect((failure as Error).message).toMatch(/^Storage is full: this clip needs about 1\.8 MB\./);
      expect(currentStorageProblem()?.message).toBe((failure as Error).message);
    } finally {
      proto.put = realPut;
    }
    expect((await listCases()).map((c) => c.id)).toEqual([first.id]);
  });

  it('backup → delete all → restore gives the clip back: frames, times, read-out, technical tags', async () => {
    await saveCase(newCase(1), 10);
    const { record } = await saveCase(newClipCase(2), 20);
    const before = await listCases();
    const file = await encodeBackup(before);
    await deleteAllCases();
    const decoded = await decodeBackup(file, 'backup.zip');
    expect(await restoreCases(decoded)).toEqual({ added: 2, merged: 0 });
    const back = (await getCase(record.id))!;
    const { image: _i, thumbnail: _t, clip, ...fields } = back;
    const { image: _i0, thumbnail: _t0, clip: clip0, ...fields0 } = record;
    expect(fields).toEqual(fields0);
    expect({ ...clip, frames: undefined }).toEqual({ ...clip0, frames: undefined });
    expect(clip!.technical).toEqual(TECHNICAL);
    for (const [n, f] of clip!.frames.entries()) {
      expect([f.index, f.timeMs]).toEqual([clip0!.frames[n]!.index, clip0!.frames[n]!.timeMs]);
      expect(f.image.type).toBe('image/jpeg');
      expect(await bytesOf(f.image)).toEqual(await bytesOf(clip0!.frames[n]!.image));
    }
    expect((await listCases()).map((c) => c.kind).sort()).toEqual(['clip', 'frame']);
    // The cases CSV: one row per case, a clip's kind and frame count in it.
    const [header, ...rows] = casesCsv(await listCases())
      .trim()
      .split('\n');
    const cols = header!.split(',');
    const clipRow = rows.find((r) => r.startsWith(record.id))!.split(',');
    expect([clipRow[cols.indexOf('case_kind')], clipRow[cols.indexOf('clip_frames')]]).toEqual(['clip', '3']);
    expect(rows).toHaveLength(2);
  });

  it("a backup's clip frames are checked against the fingerprint; only technical tags come back from it", async () => {
    const { record } = await saveCase(newClipCase(3));
    const swapped = await encodeBackup([
      { ...record, clip: { ...record.clip!, frames: [...record.clip!.frames].reverse() } },
    ]);
    await expect(decodeBackup(swapped, 'x.zip')).rejects.toThrow(
      /frames of case .* do not match its fingerprint/,
    );
    // A hand-edited manifest that adds a patient field to the technical tags: only the allow-list is kept.
    const withPatient = await encodeBackup([
      {
        ...record,
        clip: {
          ...record.clip!,
          technical: { ...TECHNICAL, PatientName: 'Doe^Jane', PatientID: 'MRN-123' } as typeof TECHNICAL,
        },
      },
    ]);
    const [restored] = await decodeBackup(withPatient, 'x.zip');
    expect(restored!.clip!.technical).toEqual(TECHNICAL);
    expect(JSON.stringify(restored)).not.toMatch(/Doe|MRN-123/);
    // The clip file's fingerprint comes back as it was saved; a hand-edited one that is no SHA-256 is refused.
    const hashed = { ...record, clip: { ...record.clip!, sourceHash: 'ef'.repeat(32) } };
    const [kept] = await decodeBackup(await encodeBackup([hashed]), 'x.zip');
    expect(kept!.clip!.sourceHash).toBe('ef'.repeat(32));
    const forged = { ...record, clip: { ...record.clip!, sourceHash: 'Doe^Jane' } };
    await expect(decodeBackup(await encodeBackup([forged]), 'x.zip')).rejects.toThrow(
      /damaged clip file fingerprint/,
    );
  });

  it('a backup without clips stays version 1, so an app from before clip cases still restores it', async () => {
    await saveCase(newCase(1));
    const { unzipSync, strFromU8 } = await import('fflate');
    const manifestOf = (zip: Uint8Array) =>
      JSON.parse(strFromU8(unzipSync(zip)['manifest.json']!)) as { version: number };
    expect(manifestOf(await encodeBackup(await listCases())).version).toBe(1);
    await saveCase(newClipCase(2));
    expect(manifestOf(await encodeBackup(await listCases())).version).toBe(2);
  });
});
