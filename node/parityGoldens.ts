// Reads the parity goldens written by training/make_goldens.py (inputs, PyTorch outputs, exported models).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The goldens folder: the small nets' (npm test) by default; LUS_PARITY_DIR points the same tests at the
 * ResNet152 goldens of the model suite (npm run test:model).
 */
export const GOLDENS_DIR = path.resolve(process.env.LUS_PARITY_DIR ?? 'tests/.generated/parity');
const MISSING = `run \`npm run ${process.env.LUS_PARITY_DIR ? 'parity:goldens:large' : 'parity:goldens'}\` first (writes ${path.relative(process.cwd(), GOLDENS_DIR)})`;

export type Precision = 'float32' | 'float16' | 'uint8';

export interface GoldenArray {
  file: string;
  shape: number[];
}

export interface GoldenNet {
  name: string;
  architecture: string;
  height: number;
  width: number;
  classes: string[];
  inputCount: number;
  inputs: string;
  expected: string;
  models: Record<Precision, string>;
  onnx: string;
  features: boolean;
  featureMap?: GoldenArray;
  pooled?: GoldenArray;
  /** PyTorch class-activation maps [input, h, w, class] (layer4 output × fc weights, float64, no bias). */
  cam?: GoldenArray;
}

export interface GoldenExpectations {
  /** PyTorch eval-mode probabilities of the original model, [input][class]. */
  torchProbs: number[][];
  /** Top-1 minus top-2 probability per input. */
  top2Margin: number[];
  /** PyTorch run with the weights exactly as TF.js decodes them (float16, uint8). */
  exportedReference: Partial<Record<Precision, number[][]>>;
}

export interface GoldensManifest {
  version: number;
  nets: GoldenNet[];
}

export type GoldensLookup = { ok: true; manifest: GoldensManifest } | { ok: false; message: string };

/** The manifest, or why the goldens cannot be used; tests turn the latter into a failure, never a skip. */
export function findGoldens(): GoldensLookup {
  const file = path.join(GOLDENS_DIR, 'manifest.json');
  if (!existsSync(file)) return { ok: false, message: `parity goldens are missing: ${MISSING}` };
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as GoldensManifest;
    if (manifest.version !== 1 || !Array.isArray(manifest.nets) || manifest.nets.length === 0) {
      return { ok: false, message: `parity goldens manifest is from another version: ${MISSING}` };
    }
    return { ok: true, manifest };
  } catch (error) {
    return {
      ok: false,
      message: `parity goldens manifest is unreadable (${(error as Error).message}): ${MISSING}`,
    };
  }
}

export function goldenPath(relative: string): string {
  return path.join(GOLDENS_DIR, relative);
}

export function readFloat32(relative: string): Float32Array {
  const bytes = readFileSync(goldenPath(relative));
  // Copy out of Node's pooled Buffer so the Float32Array is aligned and owns its memory.
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function readExpectations(net: GoldenNet): GoldenExpectations {
  return JSON.parse(readFileSync(goldenPath(net.expected), 'utf8')) as GoldenExpectations;
}

export interface ProbabilityComparison {
  maxAbsDiff: number;
  /** Inputs whose reference top-2 margin exceeds the threshold: only there is top-1 well defined. */
  decisive: number;
  top1Agree: number;
  /** Over all inputs, regardless of margin. */
  top1AgreeAll: number;
  count: number;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export function compareProbabilities(
  actual: readonly (readonly number[])[],
  reference: readonly (readonly number[])[],
  margins: readonly number[],
  marginThreshold = 1e-3,
): ProbabilityComparison {
  if (actual.length !== reference.length) {
    throw new Error(`got ${actual.length} results for ${reference.length} reference inputs`);
  }
  let maxAbsDiff = 0;
  let decisive = 0;
  let top1Agree = 0;
  let top1AgreeAll = 0;
  actual.forEach((row, i) => {
    const ref = reference[i]!;
    if (row.length !== ref.length)
      throw new Error(`input ${i}: ${row.length} classes, expected ${ref.length}`);
    row.forEach((v, c) => {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - ref[c]!));
    });
    const same = argmax(row) === argmax(ref);
    if (same) top1AgreeAll++;
    if (margins[i]! > marginThreshold) {
      decisive++;
      if (same) top1Agree++;
    }
  });
  return { maxAbsDiff, decisive, top1Agree, top1AgreeAll, count: actual.length };
}
