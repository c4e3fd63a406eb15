// The backup file: one zip holding a manifest (cases, label histories, predictions) and every image; strict reading.

import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { CLASS_IDS } from '../core';
import {
  clipContentBytes,
  type CaseRecord,
  type LabelChange,
  type StoredClip,
  type StoredPrediction,
} from './caseRecord';
import { isCaseLabel, isClinicianLabel } from './labels';
import { sha256Hex } from './hash';

export const BACKUP_FORMAT = 'lus-signs-case-backup';
/**
 * 2 when the backup holds clip cases (their frames under clips/), else 1, so an app from before clip cases
 * refuses a backup it would restore without the frames, and still reads every frame-only backup.
 */
export const BACKUP_VERSION = 2;

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

type ManifestClip = Omit<StoredClip, 'frames'> & {
  frames: Array<{ index: number; timeMs: number; image: ImageRef }>;
};
type ManifestCase = Omit<CaseRecord, 'image' | 'thumbnail' | 'clip'> & {
  image: ImageRef;
  thumbnail: ImageRef;
  clip?: ManifestClip;
};

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
    const { image, thumbnail, clip, ...rest } = c;
    let manifestClip: ManifestClip | undefined;
    if (clip) {
      const frames: ManifestClip['frames'] = [];
      for (const [n, f] of clip.frames.entries()) {
        const path = `clips/${c.id}/${String(n).padStart(2, '0')}.${EXT[f.image.type] ?? 'bin'}`;
        files[path] = [new Uint8Array(await f.image.arrayBuffer()), { level: 0 }];
        frames.push({ index: f.index, timeMs: f.timeMs, image: { path, type: f.image.type } });
      }
      manifestClip = { ...clip, frames };
    }
    manifestCases.push({
      ...rest,
      predictions: withoutFeatures(rest.predictions),
      image: { path: img, type: image.type },
      thumbnail: { path: thumb, type: thumbnail.type },
      ...(manifestClip ? { clip: manifestClip } : {}),
    });
  }
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    version: cases.some((c) => c.clip) ? BACKUP_VERSION : 1,
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

function checkClipCounts(v: unknown): boolean {
  return (
    v === undefined ||
    (isObj(v) &&
      ['framesSampled', 'framesRead', 'framesRefused', 'framesUnreadable'].every((k) => isNum(v[k])))
  );
}

function checkPrediction(v: unknown): v is StoredPrediction {
  if (!isObj(v) || !isStr(v.modelId) || !isStr(v.modelVersion) || !isNum(v.at)) return false;
  if (!checkClipCounts(v.clip)) return false;
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
    if (!isRef(c[k])) return `case ${short} does not name its ${k}`;
  }
  if (c.kind !== undefined && c.kind !== 'frame' && c.kind !== 'clip')
    return `case ${short} has an unknown kind`;
  if ((c.kind === 'clip') !== (c.clip !== undefined)) return `case ${short} is a clip without its frames`;
  if (c.clip !== undefined) return clipFault(c.clip, short);
  return null;
}

const isRef = (v: unknown): v is ImageRef => isObj(v) && isStr(v.path) && isStr(v.type);

/** A clip case's clip: its frames named, its timing and sampling numbers, technical tags only. */
function clipFault(v: unknown, short: string): string | null {
  if (!isObj(v)) return `case ${short} has a damaged clip`;
  if (v.origin !== 'video' && v.origin !== 'dicom' && v.origin !== 'capture')
    return `case ${short} has a clip of unknown origin`;
  if (!isStr(v.format) || !isNum(v.durationMs) || !(v.frameRate === null || isNum(v.frameRate)))
    return `case ${short} has a damaged clip timing`;
  const s = v.sampling;
  if (
    !isObj(s) ||
    ![s.framesInClip, s.framesSampled, s.limit].every(isNum) ||
    typeof s.everyFrame !== 'boolean'
  )
    return `case ${short} has a damaged clip sampling`;
  if (
    !Array.isArray(v.frames) ||
    v.frames.length === 0 ||
    !v.frames.every((f) => isObj(f) && isNum(f.index) && isNum(f.timeMs) && isRef(f.image))
  )
    return `case ${short} does not name its clip frames`;
  if (v.technical !== null && !isObj(v.technical)) return `case ${short} has damaged technical tags`;
  if (
    v.sourceHash !== undefined &&
    !(typeof v.sourceHash === 'string' && /^[0-9a-f]{64}$/.test(v.sourceHash))
  )
    return `case ${short} has a damaged clip file fingerprint`;
  return null;
}

/**
 * Only the parser's technical allow-list is kept from a backup's DICOM tags: a hand-edited manifest cannot
 * smuggle a patient field into the library.
 */
function technicalOnly(t: StoredClip['technical']): StoredClip['technical'] {
  if (!t) return null;
  const str = (x: unknown) => (isStr(x) ? x : null);
  return {
    modality: str(t.modality),
    manufacturer: str(t.manufacturer),
    model: str(t.model),
    transducer: str(t.transducer),
    frameRate: isNum(t.frameRate) ? t.frameRate : null,
    regions: Array.isArray(t.regions)
      ? t.regions.filter(isObj).map((r) => ({
          rect: isObj(r.rect)
            ? {
                x: Number(r.rect.x),
                y: Number(r.rect.y),
                width: Number(r.rect.width),
                height: Number(r.rect.height),
              }
            : { x: 0, y: 0, width: 0, height: 0 },
          spatialFormat: isNum(r.spatialFormat) ? r.spatialFormat : null,
          dataType: isNum(r.dataType) ? r.dataType : null,
          physicalUnitsX: isNum(r.physicalUnitsX) ? r.physicalUnitsX : null,
          physicalUnitsY: isNum(r.physicalUnitsY) ? r.physicalUnitsY : null,
          physicalDeltaX: isNum(r.physicalDeltaX) ? r.physicalDeltaX : null,
          physicalDeltaY: isNum(r.physicalDeltaY) ? r.physicalDeltaY : null,
        }))
      : [],
  };
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
    const short = c.id.slice(0, 8);
    const image = files[c.image.path];
    const thumbnail = files[c.thumbnail.path];
    if (!image || !thumbnail)
      throw new BackupProblem(`${fileName} is damaged: the image of case ${short} is missing.`);
    let clip: StoredClip | undefined;
    if (c.clip) {
      const frames: StoredClip['frames'] = [];
      for (const f of c.clip.frames) {
        const bytes = files[f.image.path];
        if (!bytes)
          throw new BackupProblem(`${fileName} is damaged: a frame of clip case ${short} is missing.`);
        frames.push({
          index: f.index,
          timeMs: f.timeMs,
          image: new Blob([bytes.slice()], { type: f.image.type }),
        });
      }
      clip = { ...c.clip, technical: technicalOnly(c.clip.technical), frames };
    }
    // A clip's id fingerprints its frames; a frame's, its image.
    const fingerprint = await sha256Hex(clip ? await clipContentBytes(clip) : image);
    if (fingerprint !== c.id) {
      throw new BackupProblem(
        `${fileName} is damaged: the ${clip ? 'frames' : 'image'} of case ${short} ${clip ? 'do' : 'does'} not match its fingerprint.`,
      );
    }
    const { clip: _manifestClip, ...fields } = c;
    out.push({
      ...fields,
      // Backups made before clip cases carry no kind: every case in them is a frame.
      kind: clip ? 'clip' : 'frame',
      image: new Blob([image.slice()], { type: c.image.type }),
      thumbnail: new Blob([thumbnail.slice()], { type: c.thumbnail.type }),
      ...(clip ? { clip } : {}),
    });
  }
  return out;
}
