// Reads the classifier head out of a graph model's weights and writes a site head into a new model folder (a new version).

import * as tf from '@tensorflow/tfjs';
import type { ClassifierHead, SiteHead } from '../core/adapt';
import { adaptedVersion, headOf } from '../core/adapt';
import { metadataFromModelJson } from '../core';

/** A graph model as files: model.json (parsed) and its weight shards by path. */
export interface GraphModelFiles {
  modelJson: Record<string, unknown>;
  shards: Record<string, ArrayBuffer>;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}
interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, float16: 2, uint8: 1, uint16: 2, bool: 1 };
/** The name of the shard that carries a site head's weights in an adapted model folder. */
export const SITE_HEAD_SHARD = 'site-head.bin';

function entryBytes(entry: ManifestEntry): number {
  const size = BYTES[entry.quantization?.dtype ?? entry.dtype];
  if (!size) throw new Error(`Weight ${entry.name} has an unsupported type`);
  return entry.shape.reduce((a, b) => a * b, 1) * size;
}

function manifest(files: GraphModelFiles): ManifestGroup[] {
  const groups = files.modelJson.weightsManifest;
  if (!Array.isArray(groups)) throw new Error('model.json has no weightsManifest');
  return groups as ManifestGroup[];
}

function groupBytes(files: GraphModelFiles, group: ManifestGroup): Uint8Array {
  const parts = group.paths.map((p) => {
    const shard = files.shards[p];
    if (!shard) throw new Error(`Missing weight shard ${p}`);
    return shard;
  });
  return new Uint8Array(tf.io.concatenateArrayBuffers(parts));
}

function headNames(files: GraphModelFiles): { kernel: string; bias: string } {
  const checked = metadataFromModelJson(files.modelJson);
  if (!checked.ok) throw new Error(checked.message);
  const classifier = checked.metadata.classifier;
  if (!classifier)
    throw new Error(
      `${checked.metadata.id} ${checked.metadata.version} does not name its classifier weights, so its head cannot be adapted`,
    );
  return classifier;
}

/** IEEE half precision → float (the converter's float16 weights). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * One manifest entry's values as float32, dequantised as the runtime does (value = q · scale + min for
 * uint8/uint16). Decoded here rather than with tf.io.decodeWeights, which makes tensors and so needs a
 * backend: the command line reads the head on its main thread, where no backend is set up.
 */
function decodeEntry(entry: ManifestEntry, bytes: Uint8Array): Float32Array {
  const n = entry.shape.reduce((a, b) => a * b, 1);
  const q = entry.quantization;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  if (!q) {
    if (entry.dtype !== 'float32') throw new Error(`Weight ${entry.name} is ${entry.dtype}, not float32`);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (q.dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  } else if ((q.dtype === 'uint8' || q.dtype === 'uint16') && q.scale !== undefined && q.min !== undefined) {
    const wide = q.dtype === 'uint16';
    for (let i = 0; i < n; i++)
      out[i] = (wide ? view.getUint16(i * 2, true) : view.getUint8(i)) * q.scale + q.min;
  } else throw new Error(`Weight ${entry.name} uses a quantisation (${q.dtype}) the site head cannot read`);
  return out;
}

/** The shipped head's kernel [features, signs] and bias, decoded from the weights (dequantised as the runtime does). */
export function readClassifierHead(files: GraphModelFiles): ClassifierHead {
  const names = headNames(files);
  const found: Record<string, Float32Array> = {};
  for (const group of manifest(files)) {
    let offset = 0;
    let bytes: Uint8Array | null = null;
    for (const entry of group.weights) {
      const size = entryBytes(entry);
      if (entry.name === names.kernel || entry.name === names.bias) {
        bytes ??= groupBytes(files, group);
        found[entry.name] = decodeEntry(entry, bytes.slice(offset, offset + size));
      }
      offset += size;
    }
  }
  const kernel = found[names.kernel];
  const bias = found[names.bias];
  if (!kernel || !bias)
    throw new Error('The classifier weights named in the metadata are not in the weights');
  const classes = bias.length;
  return { features: kernel.length / classes, classes, kernel, bias };
}

/** SHA-256 (hex) of every weight shard in manifest order: which exact weights a head was fitted on. */
export async function weightsHash(files: GraphModelFiles): Promise<string> {
  const parts: ArrayBuffer[] = [];
  for (const group of manifest(files))
    for (const p of group.paths) parts.push(files.shards[p] ?? new ArrayBuffer(0));
  return sha256Hex(new Uint8Array(tf.io.concatenateArrayBuffers(parts)));
}

/** SHA-256 (hex) with the platform's WebCrypto: the same in the browser worker and Node. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes.slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A new model folder: the base model with its classifier kernel and bias replaced by the site head's, stored
 * unquantised in their own shard (so no other weight changes by a bit), and its metadata marking the version
 * `<base>+site<n>` with the head's provenance. The input gate's reference stays the base model's: the head
 * does not change what a lung frame is.
 */
export function foldSiteHead(base: GraphModelFiles, file: SiteHead): GraphModelFiles {
  const names = headNames(base);
  const head = headOf(file);
  const baseMeta = metadataFromModelJson(base.modelJson);
  if (!baseMeta.ok) throw new Error(baseMeta.message);
  const groups: ManifestGroup[] = [];
  const shards: Record<string, ArrayBuffer> = {};
  let kernelShape: number[] | null = null;
  for (const [g, group] of manifest(base).entries()) {
    const kept: ManifestEntry[] = [];
    const pieces: Uint8Array[] = [];
    let offset = 0;
    let bytes: Uint8Array | null = null;
    const touched = group.weights.some((e) => e.name === names.kernel || e.name === names.bias);
    for (const entry of group.weights) {
      const size = entryBytes(entry);
      if (entry.name === names.kernel) kernelShape = entry.shape;
      if (touched) {
        bytes ??= groupBytes(base, group);
        if (entry.name !== names.kernel && entry.name !== names.bias) {
          kept.push(entry);
          pieces.push(bytes.subarray(offset, offset + size));
        }
      }
      offset += size;
    }
    if (!touched) {
      groups.push(group);
      for (const p of group.paths) shards[p] = base.shards[p]!;
      continue;
    }
    if (kept.length === 0) continue;
    // Re-split the group's remaining bytes at the base model's own shard size.
    const shardSize = Math.max(...group.paths.map((p) => base.shards[p]!.byteLength));
    const all = new Uint8Array(tf.io.concatenateArrayBuffers(pieces.map((p) => p.slice().buffer)));
    const paths: string[] = [];
    const count = Math.ceil(all.byteLength / shardSize);
    for (let i = 0; i < count; i++) {
      const path = `group${g + 1}-shard${i + 1}of${count}.bin`;
      paths.push(path);
      shards[path] = all.slice(i * shardSize, Math.min(all.byteLength, (i + 1) * shardSize)).buffer;
    }
    groups.push({ paths, weights: kept });
  }
  if (
    !kernelShape ||
    kernelShape.length !== 2 ||
    kernelShape[0] !== head.features ||
    kernelShape[1] !== head.classes
  )
    throw new Error(
      `The site head (${head.features} × ${head.classes}) does not fit this model's classifier`,
    );
  const headBytes = new Uint8Array((head.kernel.length + head.bias.length) * 4);
  headBytes.set(new Uint8Array(head.kernel.buffer, head.kernel.byteOffset, head.kernel.byteLength), 0);
  headBytes.set(
    new Uint8Array(head.bias.buffer, head.bias.byteOffset, head.bias.byteLength),
    head.kernel.byteLength,
  );
  shards[SITE_HEAD_SHARD] = headBytes.buffer;
  groups.push({
    paths: [SITE_HEAD_SHARD],
    weights: [
      { name: names.kernel, shape: kernelShape, dtype: 'float32' },
      { name: names.bias, shape: [head.classes], dtype: 'float32' },
    ],
  });

  const userDefined = base.modelJson.userDefinedMetadata as Record<string, Record<string, unknown>>;
  const lus = userDefined.lusSigns!;
  const version = adaptedVersion(file.base.version, file.headNumber);
  const provenance = lus.provenance as Record<string, unknown>;
  const modelJson = {
    ...base.modelJson,
    weightsManifest: groups,
    userDefinedMetadata: {
      ...userDefined,
      lusSigns: {
        ...lus,
        version,
        displayName: `${String(lus.displayName ?? lus.id)} + site head ${file.headNumber}${file.site ? ` (${file.site})` : ''}`,
        provenance: {
          ...provenance,
          createdAt: file.summary.created,
          notes: `Site head ${file.headNumber} fitted on the device on ${file.summary.cases} labelled cases over ${String(file.base.id)} ${file.base.version}.`,
        },
        siteHead: {
          base: file.base,
          headNumber: file.headNumber,
          site: file.site,
          contentHash: file.contentHash,
          summary: file.summary,
        },
      },
    },
  };
  return { modelJson, shards };
}
