// Reads a graph model's files (model.json and weight shards), validates the metadata and names what is wrong.

import type * as tf from '@tensorflow/tfjs';
import { metadataFromModelJson, type ModelMetadata } from '../core';
import type { ModelSource } from './api';

export class ModelLoadError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, float16: 2, uint8: 1, uint16: 2, bool: 1 };

function entryBytes(entry: ManifestEntry): number {
  const n = entry.shape.reduce((a, b) => a * b, 1);
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  const size = BYTES[dtype];
  if (!size) throw new ModelLoadError(`Weight ${entry.name} has an unsupported type ${dtype}.`, 'model.json');
  return n * size;
}

export interface LoadedArtifacts {
  artifacts: tf.io.ModelArtifacts;
  metadata: ModelMetadata;
  weightBytes: number;
}

async function fetchBytes(url: string, file: string): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new ModelLoadError(
      `Could not fetch ${file}: the file is not reachable (offline and not cached?).`,
      file,
    );
  }
  if (!response.ok) throw new ModelLoadError(`Missing model file ${file} (HTTP ${response.status}).`, file);
  return response.arrayBuffer();
}

export async function readModelArtifacts(source: ModelSource): Promise<LoadedArtifacts> {
  let jsonText: string;
  let readShard: (path: string) => Promise<ArrayBuffer>;
  if (source.kind === 'url') {
    jsonText = new TextDecoder().decode(await fetchBytes(source.url, 'model.json'));
    const base = new URL(source.url, globalThis.location?.href);
    readShard = (path) => fetchBytes(new URL(path, base).href, path);
  } else {
    jsonText = source.modelJson;
    readShard = async (path) => {
      const shard = source.shards[path];
      if (!shard)
        throw new ModelLoadError(`Missing model file ${path}: it was not among the imported files.`, path);
      return shard;
    };
  }
  let modelJson: Record<string, unknown>;
  try {
    modelJson = JSON.parse(jsonText) as Record<string, unknown>;
  } catch (error) {
    throw new ModelLoadError(`model.json is not valid JSON (${(error as Error).message}).`, 'model.json');
  }
  const checked = metadataFromModelJson(modelJson);
  if (!checked.ok) throw new ModelLoadError(`Model refused: ${checked.message}.`, 'model.json');
  if (typeof modelJson.modelTopology !== 'object' || modelJson.modelTopology === null) {
    throw new ModelLoadError('Model refused: model.json has no modelTopology (the graph).', 'model.json');
  }
  const manifest = modelJson.weightsManifest as
    Array<{ paths: string[]; weights: ManifestEntry[] }> | undefined;
  if (!Array.isArray(manifest))
    throw new ModelLoadError('Model refused: model.json has no weightsManifest.', 'model.json');

  const weightSpecs: ManifestEntry[] = [];
  const chunks: ArrayBuffer[] = [];
  let weightBytes = 0;
  for (const group of manifest) {
    let groupBytes = 0;
    for (const path of group.paths) {
      const shard = await readShard(path);
      chunks.push(shard);
      groupBytes += shard.byteLength;
    }
    const expected = group.weights.reduce((sum, w) => sum + entryBytes(w), 0);
    if (groupBytes !== expected) {
      throw new ModelLoadError(
        `Model weights are incomplete or damaged: ${group.paths.join(', ')} hold ${groupBytes} bytes, the manifest needs ${expected}.`,
        group.paths[group.paths.length - 1] ?? 'weights',
      );
    }
    weightSpecs.push(...group.weights);
    weightBytes += groupBytes;
  }
  const weightData = new Uint8Array(weightBytes);
  let offset = 0;
  for (const chunk of chunks) {
    weightData.set(new Uint8Array(chunk), offset);
    offset += chunk.byteLength;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    format: 'graph-model',
    generatedBy: String(modelJson.generatedBy ?? ''),
    convertedBy: String(modelJson.convertedBy ?? ''),
    weightSpecs: weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: weightData.buffer,
    signature: modelJson.signature as object | undefined,
    userDefinedMetadata: modelJson.userDefinedMetadata as Record<string, object>,
  };
  return { artifacts, metadata: checked.metadata, weightBytes };
}
