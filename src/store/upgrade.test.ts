// Upgrades on fake-indexeddb: two databases (lus-signs v2 + lus-signs-batch v1) to one, and v3's frame cases to v4 (clip cases).

import 'fake-indexeddb/auto';
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  batchJobRows,
  saveBatchRows,
  unfinishedBatchJob,
  type BatchJob,
  type BatchJobRow,
} from './batchJobs';
import type { CaseRecord, LibrarySettings, RescoreJob } from './caseRecord';
import { DB_VERSION, caseDb, closeCaseDb, openCaseDbAt, useDatabaseName } from './db';
import { legacyBatchDbName } from './legacyBatchDb';
import { listCases, readRescoreJob, readSettings } from './caseStore';
import { currentStorageProblem, reportStorageProblem } from './storageProblem';

let counter = 0;
let name = '';
beforeEach(async () => {
  reportStorageProblem(null);
  name = `lus-upgrade-${++counter}`;
  await useDatabaseName(name);
});
afterEach(async () => {
  await useDatabaseName('lus-signs');
});

// ---- Today's layout, written as the shipped code wrote it -------------------------------------------------

/** The batch database as batchJobs.ts created it before v3 (its only version). */
interface ShippedBatchDb extends DBSchema {
  jobs: { key: string; value: BatchJob; indexes: { 'by-updated': number } };
  rows: { key: [string, string]; value: BatchJobRow; indexes: { 'by-job': string } };
}

function openShippedBatchDb(dbName: string): Promise<IDBPDatabase<ShippedBatchDb>> {
  return openDB<ShippedBatchDb>(dbName, 1, {
    upgrade(db) {
      db.createObjectStore('jobs', { keyPath: 'id' }).createIndex('by-updated', 'updatedAt');
      db.createObjectStore('rows', { keyPath: ['jobId', 'path'] }).createIndex('by-job', 'jobId');
    },
  });
}

const blob = (bytes: number[], type: string) => new Blob([new Uint8Array(bytes)], { type });
const probabilities = (top: number) => {
  const p = [0.1, 0.1, 0.1, 0.1];
  p[top] = 0.7;
  return { a_lines: p[0]!, b_lines: p[1]!, pleural_effusion: p[2]!, consolidation: p[3]! };
};

/** A case as the code before v4 wrote it: no `kind` (every case was a frame). */
type ShippedCase = Omit<CaseRecord, 'kind'>;

const CASES: ShippedCase[] = [
  {
    // A reader's case relabelled once, scored by two versions of a model.
    id: 'a1'.repeat(32),
    created: 1_700_000_000_000,
    updated: 1_700_000_600_000,
    source: 'scan-1.png',
    image: blob([0x89, 0x50, 0x4e, 0x47, 1, 2, 3], 'image/png'),
    imageKind: 'cropped',
    imageWidth: 380,
    imageHeight: 360,
    thumbnail: blob([0xff, 0xd8, 1], 'image/jpeg'),
    crop: { x: 120, y: 60, width: 380, height: 360 },
    frameWidth: 640,
    frameHeight: 480,
    label: 'consolidation',
    reader: 'CD',
    labelHistory: [
      { at: 1_700_000_000_000, by: 'AB', from: null, to: 'b_lines' },
      { at: 1_700_000_600_000, by: 'CD', from: 'b_lines', to: 'consolidation' },
    ],
    examId: 'EX-7',
    zone: 'blue-R-upper',
    notes: 'second reader disagreed, with "quotes", and a comma',
    predictions: {
      'fixture-tiny@1.0.0': {
        status: 'scored',
        modelId: 'fixture-tiny',
        modelVersion: '1.0.0',
        at: 1_700_000_000_500,
        probabilities: probabilities(1),
        top: 'b_lines',
        lowConfidence: false,
        backend: 'wasm',
        inferenceMs: 4,
      },
      'fixture-tiny@1.1.0': {
        status: 'scored',
        modelId: 'fixture-tiny',
        modelVersion: '1.1.0',
        at: 1_700_000_700_000,
        probabilities: probabilities(3),
        top: 'consolidation',
        lowConfidence: true,
        backend: 'webgl',
        inferenceMs: 9,
        gate: 'passed',
      },
    },
  },
  {
    // A batch frame labelled by its folder; the gate refused it, the would-be reading kept for review.
    id: 'b2'.repeat(32),
    created: 1_700_001_000_000,
    updated: 1_700_001_000_000,
    source: 'ward-audit/Effusion/frame-03.png',
    image: blob([0x89, 0x50, 0x4e, 0x47, 4, 5, 6], 'image/png'),
    imageKind: 'cropped',
    imageWidth: 200,
    imageHeight: 180,
    thumbnail: blob([0xff, 0xd8, 2], 'image/jpeg'),
    crop: { x: 4, y: 5, width: 200, height: 180 },
    frameWidth: 208,
    frameHeight: 190,
    label: 'pleural_effusion',
    reader: '',
    labelSource: {
      kind: 'folder',
      folder: 'ward-audit/Effusion',
      batch: 'ward-audit',
      at: 1_700_001_000_000,
    },
    labelHistory: [
      {
        at: 1_700_001_000_000,
        by: '',
        from: null,
        to: 'pleural_effusion',
        source: { kind: 'folder', folder: 'ward-audit/Effusion', batch: 'ward-audit', at: 1_700_001_000_000 },
      },
    ],
    examId: '',
    zone: '',
    notes: '',
    predictions: {
      'fixture-tiny@1.1.0': {
        status: 'refused',
        modelId: 'fixture-tiny',
        modelVersion: '1.1.0',
        at: 1_700_001_000_100,
        code: 'colour-photo',
        message: 'This looks like a colour photograph.',
        probabilities: probabilities(2),
        top: 'pleural_effusion',
      },
    },
  },
  {
    // Unlabelled, the whole scanner screen kept, never scored.
    id: 'c3'.repeat(32),
    created: 1_700_002_000_000,
    updated: 1_700_002_000_000,
    source: 'capture card',
    image: blob([0x89, 0x50, 0x4e, 0x47, 7, 8, 9, 10], 'image/png'),
    imageKind: 'full-frame',
    imageWidth: 640,
    imageHeight: 480,
    thumbnail: blob([0xff, 0xd8, 3], 'image/jpeg'),
    crop: { x: 0, y: 0, width: 640, height: 480 },
    frameWidth: 640,
    frameHeight: 480,
    label: 'unlabelled',
    reader: '',
    labelHistory: [],
    examId: 'EX-8',
    zone: 'zone-L3',
    notes: 'no sign seen',
    predictions: {},
  },
];

const SETTINGS: LibrarySettings = {
  keepFullFrame: true,
  lastReader: 'CD',
  lastExamId: 'EX-8',
  lastZone: 'zone-L3',
};

const RESCORE: RescoreJob = {
  id: 'rescore',
  modelId: 'fixture-tiny',
  modelVersion: '1.1.0',
  total: 3,
  remaining: ['c3'.repeat(32)],
  scored: 1,
  refused: 1,
  failed: 0,
  state: 'cancelled',
  startedAt: 1_700_000_700_000,
  updatedAt: 1_700_000_800_000,
  workMs: 1234,
};

const STOPPED: BatchJob = {
  id: 'job-stopped',
  folderName: 'ward-audit',
  modelKey: 'fixture-tiny@1.0.0',
  startedAt: 1_700_003_000_000,
  updatedAt: 1_700_003_050_000,
  total: 43,
  done: 3,
  state: 'cancelled',
};
const FINISHED: BatchJob = {
  id: 'job-finished',
  folderName: 'night-audit',
  modelKey: 'fixture-tiny@1.0.0',
  startedAt: 1_600_000_000_000,
  updatedAt: 1_600_000_100_000,
  total: 1,
  done: 1,
  state: 'finished',
};

const score = {
  probabilities: probabilities(1),
  top: 'b_lines' as const,
  lowConfidence: false,
  backend: 'wasm' as const,
  modelId: 'fixture-tiny',
  modelVersion: '1.0.0',
  crop: { x: 4, y: 5, width: 184, height: 150 },
  frameWidth: 192,
  frameHeight: 160,
};

function legacyRows(): BatchJobRow[] {
  return [
    {
      jobId: STOPPED.id,
      path: 'B-lines/frame-01.png',
      size: 2345,
      lastModified: 1_699_000_000_000,
      label: 'b_lines',
      status: 'scored',
      ms: 12,
      score: {
        ...score,
        gate: { pass: true, message: 'ok' },
        heatMap: {
          width: 2,
          height: 2,
          values: new Float32Array(16).map((_, i) => i / 8 - 1),
          inputWidth: 64,
          inputHeight: 64,
          content: { x: 0, y: 6, width: 64, height: 52 },
        },
      },
    },
    {
      jobId: STOPPED.id,
      path: 'Effusion/exam 3/frame-02.png',
      size: 2400,
      lastModified: 1_699_000_000_001,
      label: 'pleural_effusion',
      labelWarning: 'Folder "Effusion" read as Pleural effusion.',
      status: 'scored',
      ms: 10,
      score: {
        ...score,
        gate: { pass: false, reason: 'colour-photo', message: 'This looks like a colour photograph.' },
        heatMapNote: 'No heat map: the gate refused the frame.',
      },
    },
    {
      jobId: STOPPED.id,
      path: 'a_lines/empty.png',
      size: 0,
      lastModified: 1_699_000_000_002,
      label: 'a_lines',
      status: 'failed',
      code: 'empty',
      reason: 'a_lines/empty.png is empty (0 bytes).',
      ms: 1,
    },
    {
      jobId: FINISHED.id,
      path: 'LC/frame-01.png',
      size: 2222,
      lastModified: 1_599_000_000_000,
      label: 'consolidation',
      status: 'scored',
      ms: 11,
      score: { ...score, top: 'consolidation', probabilities: probabilities(3) },
    },
  ];
}

/** Writes today's layout: the case library at v2 and the batch progress in its own database. */
async function writeTodaysLayout(): Promise<void> {
  const v2 = await openCaseDbAt(name, 2);
  expect([...v2.objectStoreNames].sort()).toEqual(['cases', 'jobs', 'settings']);
  for (const c of CASES) await v2.put('cases', c as CaseRecord);
  for (const [key, value] of Object.entries(SETTINGS)) await v2.put('settings', value, key);
  await v2.put('jobs', RESCORE);
  v2.close();
  const batch = await openShippedBatchDb(legacyBatchDbName(name));
  for (const job of [STOPPED, FINISHED]) await batch.put('jobs', job);
  for (const row of legacyRows()) await batch.put('rows', row);
  batch.close();
}

// ---- Comparing what came back ----------------------------------------------------------------------------

/** Blobs compare equal to any other Blob under toEqual: compare their type and bytes instead. */
async function comparable(c: ShippedCase) {
  const bytes = async (b: Blob) => ({
    type: b.type,
    bytes: Array.from(new Uint8Array(await b.arrayBuffer())),
  });
  return { ...c, image: await bytes(c.image), thumbnail: await bytes(c.thumbnail) };
}

async function expectCasesIntact(): Promise<void> {
  const back = (await listCases()).sort((a, b) => a.id.localeCompare(b.id));
  expect(back).toHaveLength(CASES.length);
  for (const [i, original] of CASES.entries()) {
    expect(back[i]!.image).toBeInstanceOf(Blob);
    // Every shipped case is a frame: v4 adds that and changes nothing else.
    expect(await comparable(back[i]!)).toEqual(
      await comparable({ ...original, kind: 'frame' } as CaseRecord),
    );
  }
  expect(await readSettings()).toEqual(SETTINGS);
  expect(await readRescoreJob()).toEqual(RESCORE);
}

const byPath = (a: BatchJobRow, b: BatchJobRow) => a.path.localeCompare(b.path);
const rowsOf = (jobId: string) =>
  legacyRows()
    .filter((r) => r.jobId === jobId)
    .sort(byPath);

async function expectBatchIntact(
  stopped: BatchJob = STOPPED,
  stoppedRows = rowsOf(STOPPED.id),
): Promise<void> {
  // The indexes the batch screen reads through: unfinished run by update time, rows by run.
  expect(await unfinishedBatchJob()).toEqual(stopped);
  const rows = (await batchJobRows(STOPPED.id)).sort(byPath);
  expect(rows).toEqual(stoppedRows);
  const heat = rows.find((r) => r.path === 'B-lines/frame-01.png')!.score!.heatMap!;
  expect(heat.values).toBeInstanceOf(Float32Array);
  expect(await batchJobRows(FINISHED.id)).toEqual(rowsOf(FINISHED.id));
  const db = await caseDb();
  expect(await db.get('batchJobs', FINISHED.id)).toEqual(FINISHED);
}

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name!).filter((n) => n.startsWith(name));
}

// ---- The tests -------------------------------------------------------------------------------------------

describe('upgrade from two databases (v2 + lus-signs-batch) to one (v3)', () => {
  it('keeps every case, setting, re-scoring job, batch run and row, and deletes the old batch database', async () => {
    await writeTodaysLayout();
    expect((await databaseNames()).sort()).toEqual([name, `${name}-batch`]);

    await expectCasesIntact();
    await expectBatchIntact();
    const db = await caseDb();
    expect(db.version).toBe(DB_VERSION);
    expect(DB_VERSION).toBe(4);
    expect([...db.objectStoreNames].sort()).toEqual(['batchJobs', 'batchRows', 'cases', 'jobs', 'settings']);
    expect(await databaseNames()).toEqual([name]);
    expect(currentStorageProblem()).toBeNull();

    // A second open finds nothing to move, creates no old database and changes nothing.
    await closeCaseDb();
    await expectCasesIntact();
    await expectBatchIntact();
    expect(await databaseNames()).toEqual([name]);
    expect(currentStorageProblem()).toBeNull();
  });

  it('a fresh device (no databases at all) gets v3 and no old batch database is created by looking for one', async () => {
    expect(await unfinishedBatchJob()).toBeUndefined();
    expect(await listCases()).toEqual([]);
    expect(await databaseNames()).toEqual([name]);
    expect((await caseDb()).version).toBe(DB_VERSION);
  });

  it('a copy cut short stores none of it, keeps the old database whole, says so; the next open moves it all', async () => {
    await writeTodaysLayout();
    const put = IDBObjectStore.prototype.put;
    let rowPuts = 0;
    // The tab closes (the transaction aborts) while the rows are being written.
    IDBObjectStore.prototype.put = function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['put']>
    ) {
      if (this.name === 'batchRows' && ++rowPuts === 2) this.transaction.abort();
      return put.apply(this, args);
    };
    try {
      // The case library opens and works regardless.
      await expectCasesIntact();
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(rowPuts).toBeGreaterThanOrEqual(2);
    expect(currentStorageProblem()?.kind).toBe('failed');
    expect(currentStorageProblem()?.message).toMatch(/batch progress .* could not be moved .* tried again/);
    // All or nothing: not even the run written before the rows is there.
    const db = await caseDb();
    expect(await db.count('batchJobs')).toBe(0);
    expect(await db.count('batchRows')).toBe(0);
    const legacy = await openDB<ShippedBatchDb>(legacyBatchDbName(name));
    expect((await legacy.getAll('jobs')).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      FINISHED,
      STOPPED,
    ]);
    expect((await legacy.getAll('rows')).sort(byPath)).toEqual(legacyRows().sort(byPath));
    legacy.close();

    // The next open (a reload) retries and succeeds.
    reportStorageProblem(null);
    await closeCaseDb();
    await expectBatchIntact();
    await expectCasesIntact();
    expect(await databaseNames()).toEqual([name]);
    expect(currentStorageProblem()).toBeNull();
  });

  it('copied but not deleted (the tab closed in between): the next open copies again without undoing newer progress', async () => {
    await writeTodaysLayout();
    const deleteDatabase = indexedDB.deleteDatabase.bind(indexedDB);
    let deletes = 0;
    indexedDB.deleteDatabase = () => {
      deletes++;
      throw new DOMException('The tab was closed', 'AbortError');
    };
    try {
      await expectBatchIntact();
    } finally {
      indexedDB.deleteDatabase = deleteDatabase;
    }
    expect(deletes).toBe(1);
    expect((await databaseNames()).sort()).toEqual([name, `${name}-batch`]);
    expect(currentStorageProblem()).toBeNull();

    // The run is resumed in the new version: two more frames scored.
    const resumed: BatchJob = {
      ...STOPPED,
      done: 5,
      state: 'running',
      updatedAt: STOPPED.updatedAt + 60_000,
    };
    const more: BatchJobRow[] = ['LC/frame-01.png', 'LC/frame-02.png'].map((path, i) => ({
      jobId: STOPPED.id,
      path,
      size: 2000 + i,
      lastModified: 1_699_000_001_000,
      label: 'consolidation',
      status: 'scored',
      ms: 9,
      score,
    }));
    await saveBatchRows(resumed, more);

    await closeCaseDb();
    await expectBatchIntact(resumed, [...rowsOf(STOPPED.id), ...more].sort(byPath));
    expect(await databaseNames()).toEqual([name]);
  });

  it('an old tab holding both databases open: the upgrade waits with a message, the old database goes when it lets go', async () => {
    await writeTodaysLayout();
    // An old tab that ignores versionchange (it may be mid-transaction): it never lets go by itself.
    const oldCases = await openDB(name, 2);
    const oldBatch = await openShippedBatchDb(legacyBatchDbName(name));
    const opening = unfinishedBatchJob();
    // The blocked event comes when the database gets round to it: a busy machine took more than 50 ms.
    await expect.poll(() => currentStorageProblem()?.kind).toBe('blocked');
    expect(currentStorageProblem()?.message).toMatch(/Close the other LUS Signs tabs/);
    oldCases.close();

    // The upgrade goes ahead and the progress is moved; deleting the old database waits for the old tab
    // without holding up the case library.
    expect(await opening).toEqual(STOPPED);
    expect(currentStorageProblem()).toBeNull();
    await expectBatchIntact();
    await expectCasesIntact();
    expect((await databaseNames()).sort()).toEqual([name, `${name}-batch`]);
    oldBatch.close();
    await expect.poll(databaseNames).toEqual([name]);
  });

  it('a newer version opening elsewhere closes the one shared connection (batch stores included)', async () => {
    await writeTodaysLayout();
    await expectBatchIntact();
    const newer = await openDB(name, DB_VERSION + 1);
    expect(currentStorageProblem()?.kind).toBe('newer-version');
    newer.close();
  });
});

describe('v3 frame cases to v4 (clip cases)', () => {
  it('every frame case survives unchanged but for its kind, and the kind index lists each of them', async () => {
    const v3 = await openCaseDbAt(name, 3);
    for (const c of CASES) await v3.put('cases', c as CaseRecord);
    for (const [key, value] of Object.entries(SETTINGS)) await v3.put('settings', value, key);
    await v3.put('jobs', RESCORE);
    v3.close();

    await expectCasesIntact();
    const db = await caseDb();
    expect(db.version).toBe(4);
    const frames = await db.getAllKeysFromIndex('cases', 'by-kind', 'frame');
    expect(frames.sort()).toEqual(CASES.map((c) => c.id).sort());
    expect(await db.countFromIndex('cases', 'by-kind', 'clip')).toBe(0);

    // A second open changes nothing.
    await closeCaseDb();
    await expectCasesIntact();
  });
});
