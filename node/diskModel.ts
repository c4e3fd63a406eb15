// Loads a TF.js graph-model folder (model.json + weight shards) from disk in Node, with its LUS Signs metadata.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { METADATA_KEY, metadataFromModelJson, type ModelMetadata } from '../src/core/model';
import type { ModelSource } from '../src/inference/api';
import type { GraphModelFiles } from '../src/inference/siteHeadWeights';

/** A model folder that cannot be used, with the reason in words an engineer can act on. */
export class ModelFolderError extends Error {
  constructor(
    readonly dir: string,
    message: string,
  ) {
    super(`${dir}: ${message}`);
    this.name = 'ModelFolderError';
  }
}

export interface DiskModelArtifacts {
  /** Parsed model.json as written by the exporter. */
  modelJson: Record<string, unknown>;
  artifacts: tf.io.ModelArtifacts;
  /** Bytes read from the shard files, which the manifest must account for exactly. */
  weightBytes: number;
  shardFiles: string[];
  /** Each shard's bytes by its manifest path: what the worker's `files` source and site adaptation take. */
  shards: Record<string, ArrayBuffer>;
}

export interface DiskGraphModel {
  dir: string;
  model: tf.GraphModel;
  /** The validated userDefinedMetadata.lusSigns, or null when loaded with requireMetadata: false and absent. */
  metadata: ModelMetadata | null;
  modelJson: Record<string, unknown>;
  weightBytes: number;
}

export interface LoadDiskModelOptions {
  /** Refuse a model whose metadata is missing or breaks the contract (default true). */
  requireMetadata?: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const BYTES_PER_VALUE: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  float16: 2,
};

function manifestBytes(dir: string, specs: tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const per = BYTES_PER_VALUE[spec.quantization?.dtype ?? spec.dtype];
    if (per === undefined)
      throw new ModelFolderError(dir, `weight ${spec.name} has unsupported dtype ${spec.dtype}`);
    total += count * per;
  }
  return total;
}

/**
 * TF.js 4.22's CompositeArrayBuffer assumes every shard but the last has the first shard's size and never
 * checks the last: a longer last shard makes it look up a shard that does not exist and decode zeros.
 * Exporters write equal shards with a shorter last one; anything else is joined into one buffer.
 */
function shardsAsTfjsReadsThem(shards: ArrayBuffer[]): ArrayBuffer | ArrayBuffer[] {
  const first = shards[0]?.byteLength ?? 0;
  if (shards.every((s, i) => (i < shards.length - 1 ? s.byteLength === first : s.byteLength <= first)))
    return shards;
  const joined = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
  let offset = 0;
  for (const s of shards) {
    joined.set(new Uint8Array(s), offset);
    offset += s.byteLength;
  }
  return joined.buffer;
}

/** Reads model.json and its shards without creating any tensors. */
export async function readGraphModelFolder(dir: string): Promise<DiskModelArtifacts> {
  const jsonPath = path.join(dir, 'model.json');
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (error) {
    throw new ModelFolderError(dir, `cannot read model.json (${(error as Error).message})`);
  }
  if (!isRecord(modelJson) || modelJson.format !== 'graph-model' || !isRecord(modelJson.modelTopology)) {
    throw new ModelFolderError(
      dir,
      'model.json is not a TF.js graph model (format "graph-model" with a modelTopology)',
    );
  }
  const groups = modelJson.weightsManifest;
  if (!Array.isArray(groups)) throw new ModelFolderError(dir, 'model.json has no weightsManifest');
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const shardFiles: string[] = [];
  for (const group of groups as tf.io.WeightsManifestConfig) {
    for (const file of group.paths) {
      // Shards sit beside model.json; a path that leaves the folder is never followed.
      if (path.basename(file) !== file)
        throw new ModelFolderError(dir, `shard path ${file} is not a plain file name`);
      shardFiles.push(file);
    }
    weightSpecs.push(...group.weights);
  }
  const shards: Record<string, ArrayBuffer> = {};
  let weightBytes = 0;
  for (const file of shardFiles) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(dir, file));
    } catch (error) {
      throw new ModelFolderError(dir, `cannot read weight shard ${file} (${(error as Error).message})`);
    }
    // Copy into an exactly sized ArrayBuffer: a Node Buffer may be a view into a larger shared pool.
    shards[file] = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    weightBytes += bytes.byteLength;
  }
  const weightData = shardFiles.map((file) => shards[file]!);
  const expected = manifestBytes(dir, weightSpecs);
  if (expected !== weightBytes) {
    throw new ModelFolderError(
      dir,
      `the weights manifest describes ${expected} bytes but the shards hold ${weightBytes}: the folder is incomplete or mixed`,
    );
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: modelJson.modelTopology,
    format: 'graph-model',
    weightSpecs,
    weightData: shardsAsTfjsReadsThem(weightData),
  };
  if (typeof modelJson.generatedBy === 'string') artifacts.generatedBy = modelJson.generatedBy;
  if (typeof modelJson.convertedBy === 'string') artifacts.convertedBy = modelJson.convertedBy;
  if (isRecord(modelJson.signature)) artifacts.signature = modelJson.signature;
  if (isRecord(modelJson.userDefinedMetadata)) {
    artifacts.userDefinedMetadata = modelJson.userDefinedMetadata as NonNullable<
      tf.io.ModelArtifacts['userDefinedMetadata']
    >;
  }
  return { modelJson, artifacts, weightBytes, shardFiles, shards };
}

/** Loads a graph-model folder and checks its metadata against the contract the app enforces. */
export async function loadGraphModelFromDir(
  dir: string,
  options: LoadDiskModelOptions = {},
): Promise<DiskGraphModel> {
  const folder = await stat(dir).catch(() => null);
  if (!folder?.isDirectory()) throw new ModelFolderError(dir, 'is not a folder');
  const { modelJson, artifacts, weightBytes } = await readGraphModelFolder(dir);
  const checked = metadataFromModelJson(modelJson);
  if (!checked.ok && options.requireMetadata !== false) throw new ModelFolderError(dir, checked.message);
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  return { dir, model, metadata: checked.ok ? checked.metadata : null, modelJson, weightBytes };
}

/** A model folder, checked and read whole: model.json parsed and every shard's bytes by its manifest path. */
export async function readModelFolderFiles(dir: string): Promise<GraphModelFiles> {
  const { modelJson, shards } = await readGraphModelFolder(dir);
  return { modelJson, shards };
}

/** Model files as the engine's `files` source: what an import hands the worker, so Node runs the app's load path. */
export function modelFilesSource(
  label: string,
  files: GraphModelFiles,
): Extract<ModelSource, { kind: 'files' }> {
  return { kind: 'files', label, modelJson: JSON.stringify(files.modelJson), shards: files.shards };
}

/**
 * A model folder read whole as the engine's `files` source. `patchGate` changes the gate statistics in memory
 * first (calibration).
 */
export async function modelFolderSource(
  dir: string,
  patchGate?: (gate: Record<string, unknown>) => void,
): Promise<Extract<ModelSource, { kind: 'files' }>> {
  const files = await readModelFolderFiles(dir);
  if (patchGate) {
    const metadata = files.modelJson.userDefinedMetadata as
      Record<string, { gate?: Record<string, unknown> } | undefined> | undefined;
    const gate = metadata?.[METADATA_KEY]?.gate;
    if (gate) patchGate(gate);
  }
  return modelFilesSource(dir, files);
}
