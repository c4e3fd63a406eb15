// What a clinician needs to know about a model, in plain words, read from its own metadata and card: how
// often it is right on real scans it never saw, by sign, and where it fails. Never hard-coded per model.

import { CLASS_IDS, CLASS_NAMES, type ClassId } from '../frame';
import type { ModelMetadata } from './modelMetadata';

export interface SignReliability {
  classId: ClassId;
  name: string;
  /** Real validation frames of this sign. */
  frames: number;
  /** Share of those frames the model named this sign (recall). */
  recall: number;
  /** Share of the model's calls of this sign that were right (precision), when known. */
  precision: number | null;
}

/** A measurement on real scans kept outside the training collection altogether (validation.unseenScans). */
export interface UnseenScanResult {
  /** What the scans were, in words ("another site's convex scanner, A-lines vs B-lines only"). */
  set: string;
  clips: number;
  clipAccuracy: number;
  frameAccuracy: number | null;
}

/**
 * Clip-grouped cross-validation of the recipe the model was trained with (validation.crossValidation, written by
 * training/export_default.py): folds over the development clips, and a whole site held out.
 */
export interface CrossValidationSummary {
  recipe: string;
  architecture: string;
  folds: number;
  clipAccuracy: number;
  clipAccuracySd: number | null;
  siteClipAccuracy: number | null;
  siteClips: number | null;
  /** Clip recall per sign, mean over the folds. */
  perSign: Array<{ classId: ClassId; name: string; recall: number }>;
  /** The sign with the lowest fold recall: the one a reader should check most on unseen clips. */
  weakest: { classId: ClassId; name: string; recall: number } | null;
}

/**
 * The prior the read-out carries (validation.priorCorrection, written by training/export_default.py --prior clips):
 * each sign's share of the training clips, added to the network's logits. An unclear frame then goes to the
 * commoner signs, and a rare sign needs clearer evidence: a reader should know which way the model leans.
 */
export interface SignLeaning {
  trainingClips: number;
  /** Commonest first. */
  shares: Array<{ classId: ClassId; name: string; share: number }>;
}

export interface ModelSummary {
  /** Scans from outside the training collection: the figure to lead with when a model has it. */
  unseenScans: UnseenScanResult[];
  /** The recipe's cross-validation: what to expect on clips it never saw, when the metadata has it. */
  crossValidation: CrossValidationSummary | null;
  /** Frame accuracy on real validation scans, and how many clips those were, when the metadata says. */
  realFrameAccuracy: number | null;
  realClipAccuracy: number | null;
  realClips: number | null;
  perSign: SignReliability[];
  /** The weakest sign on real frames (lowest recall), when per-sign figures exist. */
  weakest: SignReliability | null;
  /** Which signs an unclear frame leans to, when the read-out carries the training clips' prior. */
  leaning: SignLeaning | null;
  /** The card's "Known failure modes", each in its own first (bold) sentence. */
  failures: string[];
  /** True when the metadata has nothing measured on real scans: the screen says so plainly. */
  unmeasured: boolean;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The bold lead of each bullet under a "Known failure modes" heading of a Markdown card
 * ("- **Pleural effusion is the weakest sign on real frames**: …" → "Pleural effusion is the weakest …").
 */
export function knownFailures(card: string | undefined): string[] {
  if (!card) return [];
  const lines = card.split('\n');
  const start = lines.findIndex((l) => /^#{1,4}\s+known failure modes/i.test(l.trim()));
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,4}\s/.test(line.trim())) break;
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    if (!bullet) continue;
    // Only bullets that lead with a bold sentence: that sentence is the failure in a few words; other
    // bullets are detail (resolution, expected accuracy) that the full card below keeps.
    const bold = /^\*\*(.+?)\*\*/.exec(bullet[1]!);
    const text = bold ? bold[1]!.replace(/`/g, '').trim() : '';
    if (text) out.push(text);
  }
  return out;
}

export function modelSummary(metadata: Pick<ModelMetadata, 'validation' | 'modelCard'>): ModelSummary {
  const v = metadata.validation ?? {};
  const perSignRaw = isRecord(v.realValidationPerSign) ? v.realValidationPerSign : {};
  const perSign: SignReliability[] = [];
  for (const id of CLASS_IDS) {
    const s = perSignRaw[id];
    if (!isRecord(s)) continue;
    const recall = num(s.recall);
    const frames = num(s.frames) ?? num(s.support);
    if (recall === null || frames === null || frames <= 0) continue;
    perSign.push({ classId: id, name: CLASS_NAMES[id], frames, recall, precision: num(s.precision) });
  }
  const weakest = perSign.length ? perSign.reduce((a, b) => (b.recall < a.recall ? b : a)) : null;
  const unseenScans: UnseenScanResult[] = [];
  for (const u of Array.isArray(v.unseenScans) ? v.unseenScans : []) {
    if (!isRecord(u)) continue;
    const clips = num(u.clips);
    const clipAccuracy = num(u.clipAccuracy);
    if (typeof u.set !== 'string' || clips === null || clipAccuracy === null) continue;
    unseenScans.push({ set: u.set, clips, clipAccuracy, frameAccuracy: num(u.frameAccuracy) });
  }
  const realFrameAccuracy = num(v.realValidationFrameAccuracy);
  const realClipAccuracy = num(v.realValidationClipAccuracy);
  const crossValidation = crossValidationSummary(v.crossValidation);
  return {
    unseenScans,
    crossValidation,
    realFrameAccuracy,
    realClipAccuracy,
    realClips: num(v.realValidationClips),
    perSign,
    weakest,
    leaning: signLeaning(v.priorCorrection),
    failures: knownFailures(metadata.modelCard),
    unmeasured:
      unseenScans.length === 0 &&
      crossValidation === null &&
      realFrameAccuracy === null &&
      realClipAccuracy === null &&
      perSign.length === 0,
  };
}

function signLeaning(raw: unknown): SignLeaning | null {
  if (!isRecord(raw) || !isRecord(raw.shares)) return null;
  const trainingClips = num(raw.trainingClips);
  const given = raw.shares;
  const shares = CLASS_IDS.flatMap((id) => {
    const share = num(given[id]);
    return share === null ? [] : [{ classId: id, name: CLASS_NAMES[id], share }];
  });
  // All four or nothing: a partial prior would say the model leans away from a sign it does not.
  if (trainingClips === null || shares.length !== CLASS_IDS.length) return null;
  return { trainingClips, shares: shares.sort((a, b) => b.share - a.share) };
}

function crossValidationSummary(raw: unknown): CrossValidationSummary | null {
  if (!isRecord(raw) || !isRecord(raw.byArchitecture) || typeof raw.recipe !== 'string') return null;
  const architecture = typeof raw.shipped === 'string' ? raw.shipped : Object.keys(raw.byArchitecture)[0];
  const row = architecture ? raw.byArchitecture[architecture] : undefined;
  if (!architecture || !isRecord(row)) return null;
  const clipAccuracy = num(row.clipAccuracyMean);
  const folds = num(row.folds);
  if (clipAccuracy === null || folds === null || folds < 1) return null;
  const recall = isRecord(row.clipRecallMean) ? row.clipRecallMean : {};
  const perSign = CLASS_IDS.flatMap((id) => {
    const r = num(recall[id]);
    return r === null ? [] : [{ classId: id, name: CLASS_NAMES[id], recall: r }];
  });
  return {
    recipe: raw.recipe,
    architecture,
    folds,
    clipAccuracy,
    clipAccuracySd: num(row.clipAccuracySd),
    siteClipAccuracy: num(row.heldOutSiteClipAccuracy),
    siteClips: num(row.heldOutSiteClips),
    perSign,
    weakest: perSign.length ? perSign.reduce((a, b) => (b.recall < a.recall ? b : a)) : null,
  };
}

/** "8 in 10" style: whole percent, as a clinician reads it. */
export function plainPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
