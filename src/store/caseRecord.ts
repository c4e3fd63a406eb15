// The stored case: image, crop, the clinician's label with its history, exam, zone, notes and per-model predictions.

import type {
  BackendName,
  CaseLabel,
  ClassId,
  ClinicianLabel,
  ClipSampling,
  DicomTechnicalTags,
  Rect,
} from '../core';

/**
 * Where a label came from when it was not a reader's reading: the name of a sign folder a batch found the
 * frame in. Never a person: a batch frame was not seen by whoever typed initials last.
 */
export interface FolderLabelSource {
  kind: 'folder';
  /** The folder path inside the batch that named the sign, e.g. "ward-audit/B-lines". */
  folder: string;
  /** The batch: the chosen folder's name and when it was saved. */
  batch: string;
  at: number;
}

export interface LabelChange {
  at: number;
  /** Reader initials; '' for a folder label. */
  by: string;
  /** Null for the first label. */
  from: CaseLabel | null;
  to: ClinicianLabel;
  /** Present when the label came from a folder name, not a reader. Absent in older records: a reader. */
  source?: FolderLabelSource;
}

/** A clip's frame counts behind its read-out: the sign is the mean over `framesRead` (core/clip's rule). */
export interface ClipFrameCounts {
  framesSampled: number;
  /** Passed the input gate and count towards the sign. */
  framesRead: number;
  /** Refused by the input gate: left out of the sign. */
  framesRefused: number;
  /** Could not be decoded or read at all. */
  framesUnreadable: number;
}

interface PredictionBase {
  modelId: string;
  modelVersion: string;
  /** When the model produced it, ms since the epoch. */
  at: number;
  /** Present on a clip case's read-out: the probabilities are the mean over the frames read. */
  clip?: ClipFrameCounts;
}

/** What one model version said about the case; refused frames are kept so coverage can count them. */
export type StoredPrediction =
  | (PredictionBase & {
      status: 'scored';
      probabilities: Record<ClassId, number>;
      top: ClassId;
      lowConfidence: boolean;
      backend: BackendName;
      inferenceMs: number;
      /** The input gate passed the frame; absent in records made before the gate existed. */
      gate?: 'passed';
      /**
       * The model's pooled features for this frame, kept when a site adaptation asked for them so a second
       * fit costs no model run. Never in backups or CSVs.
       */
      features?: Float32Array;
    })
  | (PredictionBase & {
      status: 'refused';
      /** Input-problem code, or the input gate's reason (colour-photo, unfamiliar, …). */
      code: string;
      message: string;
      /**
       * What the model would have said, kept for review only (unreliable: the gate refused the frame).
       * Absent when the frame could not be read at all. Optional fields: older records stay valid as they are.
       */
      probabilities?: Record<ClassId, number>;
      top?: ClassId;
      /** Where the model ran; present on a refused clip (its frames were read), absent on older records. */
      backend?: BackendName;
    });

/** "fixture-tiny@1.0.0": predictions are keyed by model id and version so versions can be compared. */
export function modelKey(modelId: string, modelVersion: string): string {
  return `${modelId}@${modelVersion}`;
}

export function splitModelKey(key: string): { modelId: string; modelVersion: string } {
  const at = key.lastIndexOf('@');
  return at < 0
    ? { modelId: key, modelVersion: '' }
    : { modelId: key.slice(0, at), modelVersion: key.slice(at + 1) };
}

export type ImageKind = 'cropped' | 'full-frame';

/** A case is one frame, or one clip (its sampled frames and one read-out): either counts as one sample. */
export type CaseKind = 'frame' | 'clip';

/** One stored frame of a clip case: the scan region as JPEG, and where it sat in the original clip. */
export interface StoredClipFrame {
  image: Blob;
  /** Index in the original clip (0-based). */
  index: number;
  /** Milliseconds from the clip's first frame. */
  timeMs: number;
}

/**
 * What a clip case keeps of its clip. Frames are the sampled ones (at most MAX_CLIP_FRAMES), cropped to the
 * scan region and JPEG-encoded at a bounded size, so a re-scoring reads the same frames the read-out did
 * and a 64-frame clip stays near a megabyte. Never the original file: a DICOM header holds patient data.
 */
export interface StoredClip {
  /** Where the clip came from: a video file, a DICOM file, or recorded on the capture screen. */
  origin: 'video' | 'dicom' | 'capture';
  /** The container or DICOM kind, as the read-out states it ("MP4 video"). */
  format: string;
  frameRate: number | null;
  durationMs: number;
  sampling: ClipSampling;
  frames: StoredClipFrame[];
  /** DICOM only: the parser's technical allow-list (scanner, transducer, regions); nothing else of the header. */
  technical: DicomTechnicalTags | null;
  /**
   * SHA-256 (hex) of the file the clip was read from (absent for a recorded clip and for cases saved before
   * it was kept). A browser samples a video at the frame rate it measures while playing, and a busy device
   * can measure another rate on the next read: the same file saved again is still the same case.
   */
  sourceHash?: string;
}

export interface CaseRecord {
  /**
   * SHA-256 (hex) of the stored image's bytes: the same frame saved twice is one case. For a clip, of its
   * stored frames' bytes in order (clipContentBytes), so the same clip saved twice is one case.
   */
  id: string;
  /** Frame or clip (v4; every older case is a frame). */
  kind: CaseKind;
  created: number;
  updated: number;
  /** File name or device the frame came from. */
  source: string;
  /**
   * The stored image: by default only the ultrasound region, so scanner banners (names) are not kept. For a
   * clip, the frame that shows its sign most clearly, so every view of a case has one picture to show.
   */
  image: Blob;
  imageKind: ImageKind;
  imageWidth: number;
  imageHeight: number;
  thumbnail: Blob;
  /** The ultrasound region in the original frame's pixels. */
  crop: Rect;
  frameWidth: number;
  frameHeight: number;
  label: CaseLabel;
  /** Initials of the reader who gave the current label ('' for a folder label or no label). */
  reader: string;
  /**
   * Set when the current label is a folder's, not a reader's. Absent means a reader's reading (every
   * record stored before folder labels existed), or no label at all when `label` is "unlabelled".
   */
  labelSource?: FolderLabelSource;
  labelHistory: LabelChange[];
  /** Pseudonymous exam code, never a patient name. */
  examId: string;
  /** Id from LUNG_ZONES, or '' when not recorded. */
  zone: string;
  notes: string;
  predictions: Record<string, StoredPrediction>;
  /** Present exactly when `kind` is 'clip'. */
  clip?: StoredClip;
}

/**
 * What a screen hands over to save a case: the record without what the store derives (id, kind, timestamps,
 * label history, predictions keyed by model), plus at most one prediction.
 */
export type NewCase = Omit<
  CaseRecord,
  'id' | 'kind' | 'created' | 'updated' | 'labelHistory' | 'predictions'
> & {
  prediction?: StoredPrediction;
};

/** The bytes a clip case's id fingerprints: its stored frames, in order, end to end. */
export async function clipContentBytes(clip: Pick<StoredClip, 'frames'>): Promise<Uint8Array> {
  const parts = await Promise.all(clip.frames.map(async (f) => new Uint8Array(await f.image.arrayBuffer())));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Bytes a new case asks the browser to keep: its images, thumbnail and clip frames (for a quota message). */
export function caseBytes(c: Pick<CaseRecord, 'image' | 'thumbnail' | 'clip'>): number {
  return c.image.size + c.thumbnail.size + (c.clip?.frames.reduce((n, f) => n + f.image.size, 0) ?? 0);
}

/** Whether a case's label is a reader's reading (not a folder's, and not absent). */
export function isReaderLabel(c: Pick<CaseRecord, 'label' | 'labelSource'>): boolean {
  return c.label !== 'unlabelled' && !c.labelSource;
}

/** reader, folder or none: what the dashboard and the case library filter on. */
export type LabelOrigin = 'reader' | 'folder' | 'none';

export function labelOrigin(c: Pick<CaseRecord, 'label' | 'labelSource'>): LabelOrigin {
  return c.label === 'unlabelled' ? 'none' : c.labelSource ? 'folder' : 'reader';
}

export interface LibrarySettings {
  /** Keep the whole scanner screen instead of the cropped region (it may show patient names). */
  keepFullFrame: boolean;
  lastReader: string;
  lastExamId: string;
  lastZone: string;
}

export const DEFAULT_SETTINGS: LibrarySettings = {
  keepFullFrame: false,
  lastReader: '',
  lastExamId: '',
  lastZone: '',
};

/** Progress of a re-scoring run, stored after every batch so a reload can resume it. */
export interface RescoreJob {
  id: 'rescore';
  modelId: string;
  modelVersion: string;
  total: number;
  /** Case ids not yet scored in this run. */
  remaining: string[];
  scored: number;
  refused: number;
  failed: number;
  state: 'running' | 'cancelled' | 'finished';
  startedAt: number;
  updatedAt: number;
  /** Time spent scoring, summed over sessions (a reload does not count as work). */
  workMs: number;
}
