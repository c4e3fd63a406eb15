// Input-gate rates on fixed sets: held-out phantoms and real frames (must pass) and each generated negative kind (must be refused); shared by the calibration script and the CI subset test.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASS_IDS, NON_LUNG_VIEWS, greyToRgba, type GateReasonCode, type NonLungKind } from '../../src/core';
import type { FrameInput } from '../../src/inference/api';
import { FrameClassifier } from '../../src/inference/classifier';
import { decodeImageBuffer, modelFolderSource, useWasmBackendInNode } from '../../node';
import {
  NEGATIVE_KINDS,
  gateSetNegative,
  generateNegativeFrame,
  generatePhantom,
  type NegativeKind,
} from '../../src/synth';
import { clipIdFromFileName } from '../data/prepare-training-data';

export const REAL_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'pocus-lus');
/**
 * The held-out phantom test set exactly as training/run_all.sh makes it (`npm run synth -- --seed 2`,
 * 320×240, overlays random, augmented): the model never trained on these seeds.
 */
const HELD_OUT_SYNTH_SEED = 2;
const TRAINING_SYNTH_SEED = 1;

export type SetName = 'phantoms' | 'real' | NegativeKind;
/** Refusals that come from the model check rather than from the image checks. */
const MODEL_REASONS = new Set<GateReasonCode>(['unfamiliar', ...Object.values(NON_LUNG_VIEWS)]);
/** The known non-lung views, in the order the gate asks about them. */
export const VIEW_KINDS = Object.keys(NON_LUNG_VIEWS) as NonLungKind[];
export const MUST_PASS: SetName[] = ['phantoms', 'real'];

export interface FrameVerdict {
  set: SetName;
  name: string;
  pass: boolean;
  reason?: GateReasonCode | 'input-problem';
  /** The model-based score, when the model carries gate statistics (calibrated or not). */
  featureScore?: number;
  /** Scores against the model's known non-lung views (cardiac, chest X-ray), those the metadata has. */
  viewScores?: Partial<Record<NonLungKind, number>>;
  /** Whether the image checks alone refused it. */
  imageRefused: boolean;
}

export function heldOutPhantom(i: number): FrameInput {
  const c = i % 4;
  const n = Math.floor(i / 4);
  const classId = CLASS_IDS[c]!;
  // cli/synth.ts's seed formula, so phantom i is the file phantoms-test/<class>_<n>.png.
  const seed = (HELD_OUT_SYNTH_SEED * 7_919 + c * 1_000_003 + n * 4 + c) >>> 0;
  const p = generatePhantom({ classId, width: 320, height: 240, seed, overlays: 'random' });
  return { pixels: greyToRgba(p.image), name: `phantom-${classId}-${n}` };
}

/** Real frames, spread over the four signs (every k-th file of each folder, in name order). */
export function realFrameFiles(limit?: number): string[] {
  const files = CLASS_IDS.flatMap((sign) =>
    readdirSync(join(REAL_DIR, sign))
      .filter((n) => /\.(jpe?g|png)$/i.test(n))
      .sort()
      .map((n) => join(REAL_DIR, sign, n)),
  );
  if (!limit || limit >= files.length) return files;
  const step = files.length / limit;
  return Array.from({ length: limit }, (_, i) => files[Math.floor(i * step)]!);
}

/** The real clips training/train.py holds out for validation (training/splits/real-val-clips.json). */
export const VALIDATION_SPLIT = resolve(
  import.meta.dirname,
  '..',
  '..',
  'training',
  'splits',
  'real-val-clips.json',
);

let validationClipSet: Set<string> | undefined;

/** Read once: isValidationFrame runs for every real frame of a calibration. */
export function validationClips(): Set<string> {
  if (!validationClipSet) {
    const split = JSON.parse(readFileSync(VALIDATION_SPLIT, 'utf8')) as {
      validation: Record<string, string[]>;
    };
    validationClipSet = new Set(Object.values(split.validation).flat());
  }
  return validationClipSet;
}

/** Whether a real frame file belongs to one of the validation clips (never fitted to, by training or the gate). */
export function isValidationFrame(file: string): boolean {
  return validationClips().has(clipIdFromFileName(file));
}

/**
 * Real frames of the training clips only (the model trained on them too), spread evenly over them: the real
 * side of the view discriminants' fit. The validation clips stay unseen, so their refusals are honest.
 */
export function trainingRealFrameFiles(limit: number): string[] {
  const clips = validationClips();
  const files = realFrameFiles().filter((f) => !clips.has(clipIdFromFileName(f)));
  if (limit >= files.length) return files;
  return Array.from({ length: limit }, (_, i) => files[Math.floor((i * files.length) / limit)]!);
}

/** A real frame file decoded for the classify path. */
export async function realFrame(file: string): Promise<FrameInput> {
  const decoded = await decodeImageBuffer(readFileSync(file), file);
  return { pixels: decoded.image, name: file.slice(REAL_DIR.length + 1) };
}

/** Negative i of a kind, as the rate sets classify it (its frames are defined with the generator). */
export function negativeFrame(kind: NegativeKind, i: number): FrameInput {
  return gateSetNegative(kind, i);
}

/**
 * Reference frames of a non-lung view for the gate statistics: other seeds (and so other hearts) than the
 * negatives the rates are measured on, so the refusal rate is not measured on the frames it was fitted to.
 */
export function referenceViewFrame(kind: NegativeKind, i: number): FrameInput {
  const sizes: Array<[number, number]> = [
    [640, 480],
    [320, 240],
    [512, 512],
    [400, 300],
  ];
  const [w, h] = sizes[i % sizes.length]!;
  return { pixels: generateNegativeFrame(kind, w, h, 500_000 + i * 29), name: `${kind}-reference-${i}` };
}

/**
 * Training phantom i (the `phantoms-train` seed of training/run_all.sh): the lung side of the view
 * discriminant, so neither the held-out phantoms nor the real frames it is measured on were fitted.
 */
export function trainingPhantom(i: number): FrameInput {
  const c = i % 4;
  const n = Math.floor(i / 4);
  const classId = CLASS_IDS[c]!;
  const seed = (TRAINING_SYNTH_SEED * 7_919 + c * 1_000_003 + n * 4 + c) >>> 0;
  const p = generatePhantom({ classId, width: 320, height: 240, seed, overlays: 'random' });
  return { pixels: greyToRgba(p.image), name: `training-phantom-${classId}-${n}` };
}

/** Pooled features of frames through the app's own classify path (frames the pipeline refuses are left out). */
export async function pooledFeaturesOf(
  modelDir: string,
  inputs: ReadonlyArray<() => FrameInput | Promise<FrameInput>>,
  onProgress?: (done: number, total: number) => void,
): Promise<number[][]> {
  await useWasmBackendInNode();
  const classifier = new FrameClassifier();
  await classifier.load(await modelFolderSource(modelDir), 'wasm');
  const features: number[][] = [];
  for (let start = 0; start < inputs.length; start += 8) {
    const batch = await Promise.all(inputs.slice(start, start + 8).map((f) => f()));
    const outcomes = await classifier.classify(batch, { explain: false, pooledFeatures: true });
    for (const o of outcomes) if (o.ok && o.result.pooledFeatures) features.push(o.result.pooledFeatures);
    onProgress?.(Math.min(inputs.length, start + 8), inputs.length);
  }
  classifier.dispose();
  return features;
}

export interface RateOptions {
  modelDir: string;
  /** Changes the model's gate statistics in memory before loading (calibration of new statistics). */
  patchGate?: (gate: Record<string, unknown>) => void;
  phantoms: number;
  real: number | undefined;
  negatives: number;
  kinds?: readonly NegativeKind[];
  onProgress?: (set: SetName, done: number, total: number) => void;
}

/** Classifies every set with the app's own classify path (WASM in Node) and returns one verdict per frame. */
export async function runGateSets(
  options: RateOptions,
): Promise<{ verdicts: FrameVerdict[]; modelId: string; msPerFrame: number }> {
  await useWasmBackendInNode();
  const classifier = new FrameClassifier();
  const info = await classifier.load(await modelFolderSource(options.modelDir, options.patchGate), 'wasm');
  const verdicts: FrameVerdict[] = [];
  const t0 = performance.now();
  let frames = 0;
  const run = async (set: SetName, inputs: Array<() => Promise<FrameInput> | FrameInput>) => {
    for (let start = 0; start < inputs.length; start += 8) {
      const batch = await Promise.all(inputs.slice(start, start + 8).map((f) => f()));
      const outcomes = await classifier.classify(batch, { explain: false });
      outcomes.forEach((o, i) => {
        const name = batch[i]!.name ?? `${set}-${start + i}`;
        if (!o.ok) {
          verdicts.push({ set, name, pass: false, reason: 'input-problem', imageRefused: true });
          return;
        }
        const g = o.result.gate!;
        verdicts.push({
          set,
          name,
          pass: g.pass,
          ...(g.reason ? { reason: g.reason } : {}),
          ...(g.featureScore !== undefined ? { featureScore: g.featureScore } : {}),
          ...(g.viewScores ? { viewScores: g.viewScores as Partial<Record<NonLungKind, number>> } : {}),
          imageRefused: !g.pass && !MODEL_REASONS.has(g.reason!),
        });
      });
      frames += batch.length;
      options.onProgress?.(set, Math.min(inputs.length, start + 8), inputs.length);
    }
  };
  await run(
    'phantoms',
    Array.from({ length: options.phantoms }, (_, i) => () => heldOutPhantom(i)),
  );
  if (existsSync(REAL_DIR)) {
    const files = realFrameFiles(options.real);
    await run(
      'real',
      files.map((file) => () => realFrame(file)),
    );
  }
  for (const kind of options.kinds ?? NEGATIVE_KINDS) {
    await run(
      kind,
      Array.from({ length: options.negatives }, (_, i) => () => negativeFrame(kind, i)),
    );
  }
  const msPerFrame = (performance.now() - t0) / Math.max(1, frames);
  classifier.dispose();
  return { verdicts, modelId: `${info.metadata.id}@${info.metadata.version}`, msPerFrame };
}

export interface SetRate {
  set: SetName;
  frames: number;
  passed: number;
  refused: number;
  /** Pass rate for sets that must pass, refusal rate for negatives. */
  rate: number;
  reasons: Record<string, number>;
}

/** Thresholds to apply to stored scores: the feature distance and each non-lung view's score. */
export interface Thresholds {
  feature?: number;
  views?: Partial<Record<NonLungKind, number>>;
}

/** The verdict a frame gets under the given thresholds (the image checks' refusals stand as they are). */
function judged(v: FrameVerdict, t: Thresholds): { pass: boolean; reason?: string } {
  if (v.imageRefused) return { pass: false, reason: v.reason ?? 'refused' };
  for (const kind of VIEW_KINDS) {
    const threshold = t.views?.[kind];
    const score = v.viewScores?.[kind];
    if (threshold !== undefined && score !== undefined && !(score <= threshold))
      return { pass: false, reason: NON_LUNG_VIEWS[kind] };
  }
  if (t.feature !== undefined && v.featureScore !== undefined && !(v.featureScore <= t.feature))
    return { pass: false, reason: 'unfamiliar' };
  return { pass: true };
}

/** Rates with given thresholds applied (or the verdicts as they came, for thresholds undefined). */
export function rates(verdicts: readonly FrameVerdict[], thresholds?: Thresholds): SetRate[] {
  const sets = [...new Set(verdicts.map((v) => v.set))];
  return sets.map((set) => {
    const mine = verdicts.filter((v) => v.set === set);
    const reasons: Record<string, number> = {};
    let passed = 0;
    for (const v of mine) {
      const j =
        thresholds === undefined ? { pass: v.pass, reason: v.reason ?? 'refused' } : judged(v, thresholds);
      if (j.pass) passed++;
      else reasons[j.reason!] = (reasons[j.reason!] ?? 0) + 1;
    }
    const refused = mine.length - passed;
    const mustPass = MUST_PASS.includes(set);
    return {
      set,
      frames: mine.length,
      passed,
      refused,
      rate: (mustPass ? passed : refused) / Math.max(1, mine.length),
      reasons,
    };
  });
}

/**
 * A refusal threshold on one score: the smallest that still passes `accept` of each must-pass set among the
 * frames the image checks let through (so this check costs at most 1 − accept of real frames and of phantoms).
 * `acceptBySet` overrides `accept` for one set (1 for the real frames: every one must pass).
 */
export function chooseThreshold(
  verdicts: readonly FrameVerdict[],
  accept = 0.99,
  score: (v: FrameVerdict) => number | undefined = (v) => v.featureScore,
  acceptBySet: Partial<Record<SetName, number>> = {},
): number | null {
  let threshold: number | null = null;
  for (const set of MUST_PASS) {
    const scores = verdicts
      .filter((v) => v.set === set && !v.imageRefused && score(v) !== undefined)
      .map((v) => score(v)!)
      .sort((a, b) => a - b);
    if (!scores.length) continue;
    const share = acceptBySet[set] ?? accept;
    const t = scores[Math.min(scores.length - 1, Math.max(0, Math.ceil(share * scores.length) - 1))]!;
    threshold = threshold === null ? t : Math.max(threshold, t);
  }
  // Rounded up to 4 significant digits, so the frame that set the threshold still passes.
  if (threshold === null) return null;
  const step = 10 ** (Math.floor(Math.log10(Math.abs(threshold) || 1)) - 3);
  return Number((Math.ceil(threshold / step) * step).toPrecision(4));
}

export function ratesTable(table: readonly SetRate[]): string {
  const lines = [
    '| set | frames | passed | refused | rate | reasons |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of table) {
    const what = MUST_PASS.includes(r.set) ? 'pass' : 'refuse';
    const reasons = Object.entries(r.reasons)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    lines.push(
      `| ${r.set} | ${r.frames} | ${r.passed} | ${r.refused} | ${what} ${(r.rate * 100).toFixed(1)}% | ${reasons} |`,
    );
  }
  return lines.join('\n');
}
