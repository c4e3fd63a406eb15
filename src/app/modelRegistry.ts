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

/** ?model=ID picks another bundled model (tests use the fixture this way). */
export function chosenModelId(registry: ModelRegistry): string {
  const fromUrl = new URLSearchParams(location.search).get('model');
  return fromUrl && registry.models.some((m) => m.id === fromUrl) ? fromUrl : registry.default;
}
