// The models bundled with the app on disk (public/models) and which one is the default: public/models/index.json, read from disk in one place (checked by src/core/model/modelIndex.ts).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundledModelEntry, parseBundledModelIndex, type BundledModelIndex } from '../src/core';

/** public/models of this checkout: what the app precaches and the command line scores with by default. */
export const BUNDLED_MODELS_DIR = resolve(import.meta.dirname, '..', 'public', 'models');

/** public/models/index.json, checked, or an error that names the file and what is wrong with it. */
function readIndex(): { index: BundledModelIndex; indexPath: string } {
  const indexPath = join(BUNDLED_MODELS_DIR, 'index.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(indexPath, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the bundled model list ${indexPath} (${(error as Error).message})`, {
      cause: error,
    });
  }
  return { index: parseBundledModelIndex(json, indexPath), indexPath };
}

/** The id of the model the app opens with (index.json's `default`). */
export function defaultModelId(): string {
  return readIndex().index.default;
}

/** The folder (model.json and shards) of a bundled model; the default one when no id is given. */
export function bundledModelDir(id?: string): string {
  const { index, indexPath } = readIndex();
  return dirname(join(BUNDLED_MODELS_DIR, bundledModelEntry(index, indexPath, id).path));
}

/** The default model's folder. */
export function defaultModelDir(): string {
  return bundledModelDir();
}
