// The shareable site-head file: weights, the base model it belongs to, its version, a content hash and the fit's summary.

import { CLASS_IDS, type ClassId } from '../frame';
import type { ClassifierHead } from './logisticHead';
import type { SiteAdaptation } from './siteAdaptation';

export const HEAD_FILE_FORMAT = 'lus-signs-site-head';
export const HEAD_FILE_VERSION = 1;

/** What the held-out folds showed when the head was fitted: travels with the head so another tablet sees it. */
export interface HeadSummary {
  created: string;
  cases: number;
  perSign: Record<ClassId, { cases: number; groups: number; learned: boolean }>;
  folds: number;
  strength: number;
  before: { accuracy: number | null; kappa: number | null };
  after: { accuracy: number | null; kappa: number | null };
  foldAccuracy: { before: number[]; after: number[] };
}

/** The summary a head file carries, from the measurement that fitted it: one definition for the app and the CLI. */
export function headSummary(result: SiteAdaptation, created: string): HeadSummary {
  return {
    created,
    cases: result.before.total.n,
    perSign: result.perSign,
    folds: result.folds,
    strength: result.strength,
    before: { accuracy: result.before.total.accuracy, kappa: result.before.total.kappa },
    after: { accuracy: result.after.total.accuracy, kappa: result.after.total.kappa },
    foldAccuracy: result.foldAccuracy,
  };
}

export interface SiteHead {
  format: typeof HEAD_FILE_FORMAT;
  formatVersion: typeof HEAD_FILE_VERSION;
  /** The model the head was fitted on; it fits no other. */
  base: { id: string; version: string; weightsHash: string };
  /** `1`, `2`, … per base model; the adapted model's version is `<base version>+site<n>`. */
  headNumber: number;
  /** Site or department name as the reader typed it (no patient data). */
  site: string;
  features: number;
  classes: ClassId[];
  kernel: number[];
  bias: number[];
  summary: HeadSummary;
  /** SHA-256 (hex) of the canonical JSON of everything above, so a damaged or edited file is refused. */
  contentHash: string;
}

export type SiteHeadBody = Omit<SiteHead, 'contentHash'>;

/** The adapted model's version string: the base version with the head number as build metadata. */
export function adaptedVersion(baseVersion: string, headNumber: number): string {
  return `${baseVersion}+site${headNumber}`;
}

/** The bytes the content hash covers: the body's JSON with keys in a fixed order. */
export function canonicalHeadBytes(body: SiteHeadBody): Uint8Array {
  const ordered = {
    format: body.format,
    formatVersion: body.formatVersion,
    base: { id: body.base.id, version: body.base.version, weightsHash: body.base.weightsHash },
    headNumber: body.headNumber,
    site: body.site,
    features: body.features,
    classes: body.classes,
    kernel: body.kernel,
    bias: body.bias,
    summary: body.summary,
  };
  return new TextEncoder().encode(JSON.stringify(ordered));
}

export function headBody(
  head: ClassifierHead,
  base: SiteHeadBody['base'],
  headNumber: number,
  site: string,
  summary: HeadSummary,
): SiteHeadBody {
  if (head.classes !== CLASS_IDS.length)
    throw new Error(`A site head has ${CLASS_IDS.length} signs, not ${head.classes}`);
  return {
    format: HEAD_FILE_FORMAT,
    formatVersion: HEAD_FILE_VERSION,
    base,
    headNumber,
    site: site.trim().slice(0, 80),
    features: head.features,
    classes: [...CLASS_IDS],
    // Float32 values written as the shortest decimal that reads back to the same float32.
    kernel: Array.from(head.kernel, (v) => Number(Math.fround(v).toPrecision(9))),
    bias: Array.from(head.bias, (v) => Number(Math.fround(v).toPrecision(9))),
    summary,
  };
}

export function headOf(file: SiteHead): ClassifierHead {
  return {
    features: file.features,
    classes: file.classes.length,
    kernel: Float32Array.from(file.kernel),
    bias: Float32Array.from(file.bias),
  };
}

export class SiteHeadProblem extends Error {
  override name = 'SiteHeadProblem';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const finiteArray = (v: unknown, length: number): v is number[] =>
  Array.isArray(v) && v.length === length && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * Reads a head file strictly: every field checked, the hash recomputed (`sha256Hex` is injected: the browser's
 * and Node's crypto differ), and the base model compared with the one it is meant for. Each refusal says why.
 */
export async function readSiteHead(
  text: string,
  sha256Hex: (bytes: Uint8Array) => Promise<string>,
  expectedBase?: { id: string; version: string; weightsHash: string; features: number },
): Promise<SiteHead> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SiteHeadProblem('This is not a site-head file (not JSON)');
  }
  if (!isRecord(raw) || raw.format !== HEAD_FILE_FORMAT)
    throw new SiteHeadProblem('This is not a site-head file (its format is not lus-signs-site-head)');
  if (raw.formatVersion !== HEAD_FILE_VERSION)
    throw new SiteHeadProblem(
      `Site-head format version ${String(raw.formatVersion)} is not supported (expected ${HEAD_FILE_VERSION})`,
    );
  const base = raw.base;
  if (
    !isRecord(base) ||
    typeof base.id !== 'string' ||
    typeof base.version !== 'string' ||
    typeof base.weightsHash !== 'string'
  )
    throw new SiteHeadProblem('The site-head file does not name its base model');
  const features = raw.features;
  if (typeof features !== 'number' || !Number.isInteger(features) || features <= 0)
    throw new SiteHeadProblem('The site-head file has no valid feature count');
  if (!Array.isArray(raw.classes) || raw.classes.join() !== CLASS_IDS.join())
    throw new SiteHeadProblem(`The site head's signs are not ${CLASS_IDS.join(', ')} in that order`);
  if (!finiteArray(raw.kernel, features * CLASS_IDS.length) || !finiteArray(raw.bias, CLASS_IDS.length))
    throw new SiteHeadProblem(
      'The site head\u2019s weights are missing, the wrong size or not finite numbers',
    );
  if (typeof raw.headNumber !== 'number' || !Number.isInteger(raw.headNumber) || raw.headNumber < 1)
    throw new SiteHeadProblem('The site-head file has no head number');
  if (typeof raw.site !== 'string' || !isRecord(raw.summary) || typeof raw.contentHash !== 'string')
    throw new SiteHeadProblem('The site-head file is incomplete (site, summary or content hash missing)');
  const file = raw as unknown as SiteHead;
  const { contentHash, ...body } = file;
  const actual = await sha256Hex(canonicalHeadBytes(body));
  if (actual !== contentHash)
    throw new SiteHeadProblem(
      'The site-head file was changed or damaged after it was written (its content hash does not match)',
    );
  if (expectedBase) {
    if (base.id !== expectedBase.id || base.version !== expectedBase.version)
      throw new SiteHeadProblem(
        `This site head was fitted on ${base.id} ${base.version}, not on ${expectedBase.id} ${expectedBase.version}: a head only fits the model it was fitted on`,
      );
    if (base.weightsHash !== expectedBase.weightsHash)
      throw new SiteHeadProblem(
        `This site head was fitted on other weights than the installed ${expectedBase.id} ${expectedBase.version} (their hashes differ)`,
      );
    if (features !== expectedBase.features)
      throw new SiteHeadProblem(
        `This site head reads ${features} features; the model gives ${expectedBase.features}`,
      );
  }
  return file;
}

export async function writeSiteHead(
  body: SiteHeadBody,
  sha256Hex: (bytes: Uint8Array) => Promise<string>,
): Promise<string> {
  const file: SiteHead = { ...body, contentHash: await sha256Hex(canonicalHeadBytes(body)) };
  return JSON.stringify(file);
}
