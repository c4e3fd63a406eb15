// Models a hospital imports, kept on the device in the origin-private file system (OPFS) so they work offline.

import { metadataFromModelJson, type ModelMetadata } from '../core';

/** Files of one graph model: model.json and its weight shards, keyed by file name. */
export interface ModelFiles {
  modelJson: string;
  shards: Record<string, ArrayBuffer>;
}

export interface StoredModel {
  /** `${id}@${version}`: a new version of the same model is stored beside the old one. */
  key: string;
  metadata: ModelMetadata;
  bytes: number;
}

export class ModelImportProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelImportProblem';
  }
}

const ROOT = 'imported-models';

async function modelsDir(): Promise<FileSystemDirectoryHandle> {
  if (!navigator.storage?.getDirectory) {
    throw new ModelImportProblem(
      'This browser cannot keep imported models on the device (no origin-private file system).',
    );
  }
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(ROOT, { create: true });
}

export function importedModelKey(metadata: Pick<ModelMetadata, 'id' | 'version'>): string {
  return `${metadata.id}@${metadata.version}`;
}

/**
 * Picks a model's files out of what the user chose (a folder's files or a .zip's entries, possibly in a
 * sub-folder) and checks that model.json is valid and names only files that are present.
 */
export function collectModelFiles(entries: Array<{ path: string; bytes: ArrayBuffer }>): ModelFiles {
  const jsonEntry = entries.filter((e) => e.path.split('/').pop() === 'model.json');
  if (jsonEntry.length === 0)
    throw new ModelImportProblem('No model.json among the chosen files: choose the model folder itself.');
  if (jsonEntry.length > 1)
    throw new ModelImportProblem('More than one model.json among the chosen files: choose one model folder.');
  const base = jsonEntry[0]!.path.split('/').slice(0, -1).join('/');
  const inFolder = (e: { path: string }) => e.path.split('/').slice(0, -1).join('/') === base;
  const modelJson = new TextDecoder().decode(jsonEntry[0]!.bytes);
  let parsed: { weightsManifest?: Array<{ paths: string[] }> };
  try {
    parsed = JSON.parse(modelJson) as typeof parsed;
  } catch (error) {
    throw new ModelImportProblem(`model.json is not valid JSON (${(error as Error).message}).`);
  }
  const checked = metadataFromModelJson(parsed);
  if (!checked.ok) throw new ModelImportProblem(`Model refused: ${checked.message}.`);
  const shards: Record<string, ArrayBuffer> = {};
  for (const group of parsed.weightsManifest ?? []) {
    for (const path of group.paths) {
      const entry = entries.find((e) => inFolder(e) && e.path.split('/').pop() === path);
      if (!entry)
        throw new ModelImportProblem(
          `Missing model file ${path}: it is named in model.json but was not among the chosen files.`,
        );
      shards[path] = entry.bytes;
    }
  }
  return { modelJson, shards };
}

export async function saveImportedModel(files: ModelFiles): Promise<StoredModel> {
  const checked = metadataFromModelJson(JSON.parse(files.modelJson));
  if (!checked.ok) throw new ModelImportProblem(`Model refused: ${checked.message}.`);
  const key = importedModelKey(checked.metadata);
  const dir = await modelsDir();
  // Write into a fresh folder and only then drop any older copy, so a failed write never loses a model.
  const staging = `${key}.partial`;
  await dir.removeEntry(staging, { recursive: true }).catch(() => undefined);
  const target = await dir.getDirectoryHandle(staging, { create: true });
  let bytes = 0;
  const write = async (name: string, data: string | ArrayBuffer) => {
    const handle = await target.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    await writable.write(data);
    await writable.close();
    bytes += typeof data === 'string' ? data.length : data.byteLength;
  };
  for (const [name, data] of Object.entries(files.shards)) await write(name, data);
  // model.json last: a folder without it is an incomplete import and is never listed.
  await write('model.json', files.modelJson);
  await dir.removeEntry(key, { recursive: true }).catch(() => undefined);
  const final = await dir.getDirectoryHandle(key, { create: true });
  for await (const [name, handle] of target as unknown as AsyncIterable<[string, FileSystemFileHandle]>) {
    const file = await handle.getFile();
    const out = await (await final.getFileHandle(name, { create: true })).createWritable();
    await out.write(await file.arrayBuffer());
    await out.close();
  }
  await dir.removeEntry(staging, { recursive: true });
  return { key, metadata: checked.metadata, bytes };
}

export async function readImportedModel(key: string): Promise<ModelFiles> {
  const dir = await modelsDir();
  let folder: FileSystemDirectoryHandle;
  try {
    folder = await dir.getDirectoryHandle(key);
  } catch {
    throw new ModelImportProblem(`The imported model ${key} is no longer on this device.`);
  }
  const modelJson = await (await (await folder.getFileHandle('model.json')).getFile()).text();
  const shards: Record<string, ArrayBuffer> = {};
  for await (const [name, handle] of folder as unknown as AsyncIterable<[string, FileSystemFileHandle]>) {
    if (name !== 'model.json') shards[name] = await (await handle.getFile()).arrayBuffer();
  }
  return { modelJson, shards };
}

export async function listImportedModels(): Promise<StoredModel[]> {
  const dir = await modelsDir();
  const out: StoredModel[] = [];
  for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    if (handle.kind !== 'directory' || name.endsWith('.partial')) continue;
    try {
      const folder = handle as FileSystemDirectoryHandle;
      const json = await (await (await folder.getFileHandle('model.json')).getFile()).text();
      const checked = metadataFromModelJson(JSON.parse(json));
      if (!checked.ok) continue;
      let bytes = json.length;
      for await (const [, file] of folder as unknown as AsyncIterable<[string, FileSystemFileHandle]>) {
        bytes += (await file.getFile()).size;
      }
      out.push({ key: name, metadata: checked.metadata, bytes: bytes - json.length });
    } catch {
      // An unreadable folder is skipped rather than breaking the list.
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

export async function deleteImportedModel(key: string): Promise<void> {
  const dir = await modelsDir();
  await dir.removeEntry(key, { recursive: true });
}
