// The bundled-model list (public/models/index.json): which models ship with the app and which one it opens
// with, checked in one place; the app reads the file over fetch (src/app/modelRegistry.ts), Node from disk
// (node/bundledModels.ts).

export interface BundledModel {
  id: string;
  /** model.json path relative to the models folder. */
  path: string;
  /** A model for software tests: not offered to clinicians unless a test or developer asks. */
  test?: boolean;
}

export interface BundledModelIndex {
  /** The id of the model the app opens with; always one of `models`. */
  default: string;
  models: BundledModel[];
}

/**
 * Checks a parsed index.json. Throws an Error that names `where` (the file or URL) and what is wrong, so a
 * broken list stops the app or the command line with a message instead of opening some other model.
 */
export function parseBundledModelIndex(json: unknown, where: string): BundledModelIndex {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new Error(`${where} is not a model list`);
  const { default: id, models } = json as Record<string, unknown>;
  if (!Array.isArray(models)) throw new Error(`${where} lists no models`);
  const listed = (models as unknown[]).map((entry): BundledModel => {
    const m = (entry && typeof entry === 'object' ? entry : {}) as Record<string, unknown>;
    if (typeof m.id !== 'string' || typeof m.path !== 'string') {
      throw new Error(`${where} lists a model without an id and a path`);
    }
    return { id: m.id, path: m.path, ...(m.test === true ? { test: true } : {}) };
  });
  if (typeof id !== 'string') throw new Error(`${where} names no default model`);
  if (!listed.some((m) => m.id === id)) {
    throw new Error(`${where} names a default model (${id}) that it does not list`);
  }
  return { default: id, models: listed };
}

/** One bundled model's entry, the default one when no id is given; throws naming `where` when it is not listed. */
export function bundledModelEntry(index: BundledModelIndex, where: string, id = index.default): BundledModel {
  const entry = index.models.find((m) => m.id === id);
  if (!entry) throw new Error(`${where} lists no model ${id}`);
  return entry;
}
