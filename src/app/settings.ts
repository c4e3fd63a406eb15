// Device-local preferences that must be read before the first model load (backend choice).

import type { BackendPreference } from '../inference';

const BACKEND_KEY = 'lus-signs.backend';
const CHOICES: readonly BackendPreference[] = ['auto', 'webgpu', 'webgl', 'wasm'];

/** A URL parameter (?backend=wasm) wins, so a support call or a test can force a backend without settings. */
export function backendPreference(): BackendPreference {
  const fromUrl = new URLSearchParams(location.search).get('backend');
  if (fromUrl && (CHOICES as readonly string[]).includes(fromUrl)) return fromUrl as BackendPreference;
  const stored = localStorage.getItem(BACKEND_KEY);
  return stored && (CHOICES as readonly string[]).includes(stored) ? (stored as BackendPreference) : 'auto';
}

export function saveBackendPreference(choice: BackendPreference): void {
  localStorage.setItem(BACKEND_KEY, choice);
}

export const BACKEND_CHOICES = CHOICES;
