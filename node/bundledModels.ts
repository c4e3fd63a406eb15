// The models bundled with the app on disk (public/models) and which one is the default: public/models/index.json, read in one place.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** public/models of this checkout: what the app precaches and the command line scores with by default. */
export const BUNDLED_MODELS_DIR = resolve(import.meta.dirname, '..', 'public', 'models');

interface ModelIndex {
  default?: unknown;
  models?: Array<{ id?: unknown; path?: unknown }>;
}

/** public/models/index.json, or an error that names the file and what is wrong with it. */
function readIndex(): { index: ModelIndex; indexPath: string } {
  const indexPath = join(BUNDLED_MODELS_DIR, 'index.json');
  try {
    return { index: JSON.parse(readFileSync(indexPath, 'utf8')) as ModelIndex, indexPath };
  } catch (error) {
    throw new Error(`cannot read the bundled model list ${indexPath} (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** The id of the model the app opens with (index.json's `default`). */
export function defaultModelId(): string {
  const { index, indexPath } = readIndex();
  if (typeof index.default !== 'string') throw new Error(`${indexPath} names no default model`);
  return index.default;
}

/** The folder (model.json and shards) of a bundled model; the default one when no id is given. */
export function bundledModelDir(id: string = defaultModelId()): string {
  const { index, indexPath } = readIndex();
  const entry = index.models?.find((m) => m.id === id);
  if (!entry || typeof entry.path !== 'string') throw new Error(`${indexPath} lists no model ${id}`);
  return dirname(join(BUNDLED_MODELS_DIR, entry.path));
}

/** The default model's folder. */
export function defaultModelDir(): string {
  return bundledModelDir();
}
