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
import { backendPreference } from './settings';
import { bundledModelUrl, chosenModelId, readModelRegistry, type ModelRegistry } from './modelRegistry';

export type ModelStatus =
  | { state: 'loading'; message: string }
  | { state: 'ready'; info: LoadedModelInfo }
  | { state: 'failed'; message: string; info?: LoadedModelInfo };

interface InferenceState {
  client: InferenceClient | null;
  status: ModelStatus;
  /** Bundled models (public/models/index.json) and where they are served from. */
  registry: { registry: ModelRegistry; base: string } | null;
  /** model.json address of the active model when it came from a URL (for the offline check). */
  activeModelUrl: string | null;
  /** Loads another model; on failure the model already loaded stays active and the error is shown. */
  loadModel: (source: ModelSource, preference?: BackendPreference) => Promise<void>;
}

const Context = createContext<InferenceState | null>(null);

export function InferenceProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState<InferenceClient | null>(null);
  const [status, setStatus] = useState<ModelStatus>({ state: 'loading', message: 'Starting…' });
  const [registry, setRegistry] = useState<{ registry: ModelRegistry; base: string } | null>(null);
  const lastGood = useRef<LoadedModelInfo | undefined>(undefined);
  const [activeModelUrl, setActiveModelUrl] = useState<string | null>(null);

  const load = useCallback(async (c: InferenceClient, source: ModelSource, preference: BackendPreference) => {
    setStatus({ state: 'loading', message: 'Loading the model…' });
    try {
      const info = await c.load(source, preference);
      lastGood.current = info;
      setActiveModelUrl(source.kind === 'url' ? source.url : null);
      setStatus({ state: 'ready', info });
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
        const entry = found.registry.models.find((m) => m.id === id)!;
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
      if (client) await load(client, source, preference ?? backendPreference());
    },
    [client, load],
  );

  const value = useMemo(
    () => ({ client, status, registry, activeModelUrl, loadModel }),
    [client, status, registry, activeModelUrl, loadModel],
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
