// Reads public/models/index.json: which bundled models exist and which one is the default.

export interface BundledModel {
  id: string;
  /** model.json path relative to the models folder. */
  path: string;
}

export interface ModelRegistry {
  default: string;
  models: BundledModel[];
}

export async function readModelRegistry(
  base = `${import.meta.env.BASE_URL}models/`,
): Promise<{ registry: ModelRegistry; base: string }> {
  const response = await fetch(`${base}index.json`);
  if (!response.ok) throw new Error(`The model list models/index.json is missing (HTTP ${response.status}).`);
  const registry = (await response.json()) as ModelRegistry;
  if (!Array.isArray(registry.models) || !registry.models.some((m) => m.id === registry.default)) {
    throw new Error('models/index.json does not name a default model that it lists.');
  }
  return { registry, base };
}

const CHOSEN_KEY = 'lus-signs.model';
/** Chosen-model ids of models imported onto the device start with this. */
export const IMPORTED_PREFIX = 'imported:';

/** ?model=ID wins (tests use the fixture this way), then the user's last choice, then the default. */
export function chosenModelId(registry: ModelRegistry): string {
  const listed = (id: string | null) => !!id && registry.models.some((m) => m.id === id);
  const fromUrl = new URLSearchParams(location.search).get('model');
  if (listed(fromUrl)) return fromUrl!;
  const saved = localStorage.getItem(CHOSEN_KEY);
  if (saved?.startsWith(IMPORTED_PREFIX)) return saved;
  return listed(saved) ? saved! : registry.default;
}

export function rememberModelChoice(id: string): void {
  localStorage.setItem(CHOSEN_KEY, id);
}

export function bundledModelUrl(base: string, model: BundledModel): string {
  return new URL(`${base}${model.path}`, location.href).href;
}
