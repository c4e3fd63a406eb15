// The backup file: one zip holding a manifest (cases, label histories, predictions) and every image; strict reading.

import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { CLASS_IDS } from '../core';
import type { CaseRecord, LabelChange, StoredPrediction } from './caseRecord';
import { isCaseLabel, isClinicianLabel } from './labels';
import { sha256Hex } from './hash';

export const BACKUP_FORMAT = 'lus-signs-case-backup';
export const BACKUP_VERSION = 1;

/** A backup that cannot be restored; the message says why in plain words. */
export class BackupProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupProblem';
  }
}

interface ImageRef {
  path: string;
  type: string;
}

/**
 * Pooled features kept for site adaptation are left out of backups: they are large (2,048 numbers a case),
 * the model that made them recomputes them, and a feature vector is no clinical record.
 */
function withoutFeatures(predictions: CaseRecord['predictions']): CaseRecord['predictions'] {
  return Object.fromEntries(
    Object.entries(predictions).map(([key, p]) => {
      if (p.status !== 'scored' || p.features === undefined) return [key, p];
      const { features: _features, ...kept } = p;
      return [key, kept];
    }),
  );
}

type ManifestCase = Omit<CaseRecord, 'image' | 'thumbnail'> & { image: ImageRef; thumbnail: ImageRef };

interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  exportedAt: string;
  app: string;
  caseCount: number;
  cases: ManifestCase[];
}

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** Builds the zip. Images are stored uncompressed (they are already compressed); the manifest is deflated. */
export async function encodeBackup(
  cases: readonly CaseRecord[],
  exportedAt = new Date(),
): Promise<Uint8Array> {
  const files: Zippable = {};
  const manifestCases: ManifestCase[] = [];
  for (const c of cases) {
    const img = `images/${c.id}.${EXT[c.image.type] ?? 'bin'}`;
    const thumb = `thumbnails/${c.id}.${EXT[c.thumbnail.type] ?? 'bin'}`;
    files[img] = [new Uint8Array(await c.image.arrayBuffer()), { level: 0 }];
    files[thumb] = [new Uint8Array(await c.thumbnail.arrayBuffer()), { level: 0 }];
    const { image, thumbnail, ...rest } = c;
    manifestCases.push({
      ...rest,
      predictions: withoutFeatures(rest.predictions),
      image: { path: img, type: image.type },
      thumbnail: { path: thumb, type: thumbnail.type },
    });
  }
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: exportedAt.toISOString(),
    app: 'LUS Signs',
    caseCount: cases.length,
    cases: manifestCases,
  };
  files['manifest.json'] = [strToU8(JSON.stringify(manifest, null, 1)), { level: 6 }];
  return zipSync(files);
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

function checkHistory(v: unknown): v is LabelChange[] {
  return (
    Array.isArray(v) &&
    v.every(
      (c) =>
        isObj(c) &&
        isNum(c.at) &&
        isStr(c.by) &&
        (c.from === null || isCaseLabel(c.from)) &&
        isClinicianLabel(c.to) &&
        (c.source === undefined || checkFolderSource(c.source)),
    )
  );
}

/** A folder label's source (optional on records; absent in backups made before folder labels). */
function checkFolderSource(v: unknown): boolean {
  return isObj(v) && v.kind === 'folder' && isStr(v.folder) && isStr(v.batch) && isNum(v.at);
}

function checkPrediction(v: unknown): v is StoredPrediction {
  if (!isObj(v) || !isStr(v.modelId) || !isStr(v.modelVersion) || !isNum(v.at)) return false;
  if (v.status === 'refused') return isStr(v.code) && isStr(v.message);
  if (v.status !== 'scored' || !isObj(v.probabilities) || !CLASS_IDS.includes(v.top as never)) return false;
  const p = v.probabilities;
  return CLASS_IDS.every((id) => isNum(p[id]));
}

/** Says what is wrong with one manifest entry, or null when it is sound. */
function caseFault(c: unknown): string | null {
  if (!isObj(c)) return 'an entry is not a case';
  if (!isStr(c.id) || !/^[0-9a-f]{64}$/.test(c.id)) return 'an entry has no valid fingerprint (id)';
  const short = c.id.slice(0, 8);
  if (!isNum(c.created) || !isNum(c.updated)) return `case ${short} has no valid dates`;
  if (!isCaseLabel(c.label)) return `case ${short} has an unknown label`;
  if (c.labelSource !== undefined && !checkFolderSource(c.labelSource))
    return `case ${short} has a damaged label source`;
  if (!checkHistory(c.labelHistory)) return `case ${short} has a damaged label history`;
  if (!isObj(c.predictions) || !Object.values(c.predictions).every(checkPrediction)) {
    return `case ${short} has damaged model results`;
  }
  const crop = c.crop;
  if (!isObj(crop) || ![crop.x, crop.y, crop.width, crop.height].every(isNum))
    return `case ${short} has no valid crop`;
  for (const k of ['source', 'reader', 'examId', 'zone', 'notes'] as const) {
    if (!isStr(c[k])) return `case ${short} has a damaged ${k}`;
  }
  if (c.imageKind !== 'cropped' && c.imageKind !== 'full-frame')
    return `case ${short} has an unknown image kind`;
  for (const k of ['imageWidth', 'imageHeight', 'frameWidth', 'frameHeight'] as const) {
    if (!isNum(c[k])) return `case ${short} has no valid image size`;
  }
  for (const k of ['image', 'thumbnail'] as const) {
    const ref = c[k];
    if (!isObj(ref) || !isStr(ref.path) || !isStr(ref.type)) return `case ${short} does not name its ${k}`;
  }
  return null;
}

/**
 * Reads and checks a whole backup before anything is stored: the archive, its format and version,
 * every case's fields, and that every image is present and matches its fingerprint.
 */
export async function decodeBackup(bytes: Uint8Array, fileName = 'This file'): Promise<CaseRecord[]> {
  const foreign = `${fileName} is not a LUS Signs case backup`;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch {
    throw new BackupProblem(
      `${foreign}: it is not a readable zip archive (damaged or another kind of file).`,
    );
  }
  const raw = files['manifest.json'];
  if (!raw) throw new BackupProblem(`${foreign}: it has no manifest.json.`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(strFromU8(raw));
  } catch {
    throw new BackupProblem(`${fileName} is damaged: its manifest is not readable.`);
  }
  if (!isObj(manifest) || manifest.format !== BACKUP_FORMAT) throw new BackupProblem(`${foreign}.`);
  if (!isNum(manifest.version) || manifest.version > BACKUP_VERSION) {
    throw new BackupProblem(
      `${fileName} was made by a newer version of LUS Signs; update the app to restore it.`,
    );
  }
  if (!Array.isArray(manifest.cases) || manifest.cases.length !== manifest.caseCount) {
    throw new BackupProblem(`${fileName} is damaged: its case list is incomplete.`);
  }
  const out: CaseRecord[] = [];
  for (const entry of manifest.cases as unknown[]) {
    const fault = caseFault(entry);
    if (fault) throw new BackupProblem(`${fileName} is damaged: ${fault}.`);
    const c = entry as ManifestCase;
    const image = files[c.image.path];
    const thumbnail = files[c.thumbnail.path];
    if (!image || !thumbnail)
      throw new BackupProblem(`${fileName} is damaged: the image of case ${c.id.slice(0, 8)} is missing.`);
    if ((await sha256Hex(image)) !== c.id) {
      throw new BackupProblem(
        `${fileName} is damaged: the image of case ${c.id.slice(0, 8)} does not match its fingerprint.`,
      );
    }
    out.push({
      ...c,
      image: new Blob([image.slice()], { type: c.image.type }),
      thumbnail: new Blob([thumbnail.slice()], { type: c.thumbnail.type }),
    });
  }
  return out;
}
