// Reads public/models/index.json over fetch: which bundled models exist and which one is the default (checked by the core).

import { parseBundledModelIndex, type BundledModel, type BundledModelIndex } from '../core';

export type { BundledModel };
export type ModelRegistry = BundledModelIndex;

export async function readModelRegistry(
  base = `${import.meta.env.BASE_URL}models/`,
): Promise<{ registry: ModelRegistry; base: string }> {
  const response = await fetch(`${base}index.json`);
  if (!response.ok) throw new Error(`The model list models/index.json is missing (HTTP ${response.status}).`);
  return { registry: parseBundledModelIndex(await response.json(), 'models/index.json'), base };
}

const CHOSEN_KEY = 'lus-signs.model';
/** Chosen-model ids of models imported onto the device start with this. */
export const IMPORTED_PREFIX = 'imported:';

/**
 * Test models are offered only when asked for: ?model=<a test model> (how the browser tests pick the
 * fixture) or ?dev=1. A clinician never sees a model whose answers mean nothing in the picker.
 */
export function showTestModels(registry: ModelRegistry): boolean {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('model');
  return params.get('dev') === '1' || registry.models.some((m) => m.test && m.id === fromUrl);
}

/** The bundled models a user may choose: test models only when asked for. */
export function offeredModels(registry: ModelRegistry): BundledModel[] {
  const tests = showTestModels(registry);
  return registry.models.filter((m) => tests || !m.test);
}

/** ?model=ID wins (tests use the fixture this way), then the user's last choice, then the default. */
export function chosenModelId(registry: ModelRegistry): string {
  const listed = (id: string | null) => !!id && registry.models.some((m) => m.id === id);
  const fromUrl = new URLSearchParams(location.search).get('model');
  if (listed(fromUrl)) return fromUrl!;
  const saved = localStorage.getItem(CHOSEN_KEY);
  if (saved?.startsWith(IMPORTED_PREFIX)) return saved;
  // A test model chosen once under a test flag is not reopened for a clinician without one.
  const offered = (id: string | null) => !!id && offeredModels(registry).some((m) => m.id === id);
  return offered(saved) ? saved! : registry.default;
}

export function rememberModelChoice(id: string): void {
  localStorage.setItem(CHOSEN_KEY, id);
}

export function bundledModelUrl(base: string, model: BundledModel): string {
  return new URL(`${base}${model.path}`, location.href).href;
}
