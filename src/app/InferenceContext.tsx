// Holds the one inference worker and the active model for every screen; reports loading and failures.

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import {
  InferenceClient,
  type BackendPreference,
  type LoadedModelInfo,
  type ModelSource,
} from '../inference';
import type { ModelFilesAt } from '../pwa';
import { backendPreference } from './settings';
import { readImportedModel } from '../store';
import {
  IMPORTED_PREFIX,
  bundledModelUrl,
  chosenModelId,
  readModelRegistry,
  type ModelRegistry,
} from './modelRegistry';

export type ModelStatus =
  | { state: 'loading'; message: string }
  | { state: 'ready'; info: LoadedModelInfo }
  | { state: 'failed'; message: string; info?: LoadedModelInfo };

interface InferenceState {
  client: InferenceClient | null;
  status: ModelStatus;
  /** Bundled models (public/models/index.json) and where they are served from. */
  registry: { registry: ModelRegistry; base: string } | null;
  /** Where the active model's files are, for the offline check: a served model.json, or stored on the device. */
  activeModelFiles: ModelFilesAt | null;
  /** Loads another model; on failure the model already loaded stays active and the error is shown. */
  loadModel: (source: ModelSource, preference?: BackendPreference) => Promise<boolean>;
}

/** A bundled model is offline once the service worker cached its files; an imported one is stored already. */
function filesAt(source: ModelSource): ModelFilesAt {
  if (source.kind === 'url') return { kind: 'url', url: source.url };
  const shardBytes = Object.values(source.shards).reduce((n, b) => n + b.byteLength, 0);
  return { kind: 'stored', bytes: shardBytes + new TextEncoder().encode(source.modelJson).byteLength };
}

const Context = createContext<InferenceState | null>(null);

export function InferenceProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState<InferenceClient | null>(null);
  const [status, setStatus] = useState<ModelStatus>({ state: 'loading', message: 'Starting…' });
  const [registry, setRegistry] = useState<{ registry: ModelRegistry; base: string } | null>(null);
  const lastGood = useRef<LoadedModelInfo | undefined>(undefined);
  const [activeModelFiles, setActiveModelFiles] = useState<ModelFilesAt | null>(null);

  const load = useCallback(async (c: InferenceClient, source: ModelSource, preference: BackendPreference) => {
    setStatus({ state: 'loading', message: 'Loading the model…' });
    try {
      const info = await c.load(source, preference);
      lastGood.current = info;
      setActiveModelFiles(filesAt(source));
      setStatus({ state: 'ready', info });
      return true;
    } catch (error) {
      const message = (error as Error).message;
      setStatus(
        lastGood.current
          ? {
              state: 'failed',
              message: `${message} The previous model is still in use.`,
              info: lastGood.current,
            }
          : { state: 'failed', message },
      );
      return false;
    }
  }, []);

  useEffect(() => {
    const c = new InferenceClient();
    setClient(c);
    let cancelled = false;
    (async () => {
      try {
        const found = await readModelRegistry();
        if (cancelled) return;
        setRegistry(found);
        const id = chosenModelId(found.registry);
        if (id.startsWith(IMPORTED_PREFIX)) {
          // A hospital's own model, kept on the device; if it has gone, fall back to the bundled default.
          try {
            const key = id.slice(IMPORTED_PREFIX.length);
            const files = await readImportedModel(key);
            await load(c, { kind: 'files', label: key, ...files }, backendPreference());
            return;
          } catch {
            // fall through to the default below
          }
        }
        const entry =
          found.registry.models.find((m) => m.id === id) ??
          found.registry.models.find((m) => m.id === found.registry.default)!;
        await load(c, { kind: 'url', url: bundledModelUrl(found.base, entry) }, backendPreference());
      } catch (error) {
        if (!cancelled) setStatus({ state: 'failed', message: (error as Error).message });
      }
    })();
    return () => {
      cancelled = true;
      c.terminate();
    };
  }, [load]);

  const loadModel = useCallback(
    async (source: ModelSource, preference?: BackendPreference) => {
      return client ? load(client, source, preference ?? backendPreference()) : false;
    },
    [client, load],
  );

  const value = useMemo(
    () => ({ client, status, registry, activeModelFiles, loadModel }),
    [client, status, registry, activeModelFiles, loadModel],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useInference(): InferenceState {
  const value = useContext(Context);
  if (!value) throw new Error('useInference outside InferenceProvider');
  return value;
}

/** The model that answers right now, if any (also while a replacement fails to load). */
export function activeModel(status: ModelStatus): LoadedModelInfo | undefined {
  return status.state === 'ready' ? status.info : status.state === 'failed' ? status.info : undefined;
}
