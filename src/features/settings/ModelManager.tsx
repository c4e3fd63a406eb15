// Model management: bundled and imported models, importing a hospital's model (folder or .zip: tried, then
// used only when the user says so), switching, deleting.

import { unzipSync } from 'fflate';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { activeModel, useInference } from '../../app/InferenceContext';
import {
  IMPORTED_PREFIX,
  bundledModelUrl,
  offeredModels,
  rememberModelChoice,
} from '../../app/modelRegistry';
import { backendPreference } from '../../app/settings';
import { InferenceClient, type LoadedModelInfo } from '../../inference';
import {
  ModelImportProblem,
  collectModelFiles,
  deleteImportedModel,
  listImportedModels,
  readImportedModel,
  saveImportedModel,
  type ModelFiles,
  type StoredModel,
} from '../../store';

// The Markdown renderer is only needed on this screen, so it is its own chunk (precached for offline use).
const ModelCardText = lazy(() => import('./ModelCardText'));

function formatBytes(n: number): string {
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

async function filesToEntries(files: File[]): Promise<Array<{ path: string; bytes: ArrayBuffer }>> {
  if (files.length === 1 && files[0]!.name.toLowerCase().endsWith('.zip')) {
    let unpacked: Record<string, Uint8Array>;
    try {
      unpacked = unzipSync(new Uint8Array(await files[0]!.arrayBuffer()));
    } catch {
      throw new ModelImportProblem(`${files[0]!.name} is not a readable .zip file.`);
    }
    return Object.entries(unpacked)
      .filter(([path]) => !path.endsWith('/'))
      .map(([path, data]) => ({ path, bytes: data.slice().buffer }));
  }
  return Promise.all(
    files.map(async (f) => ({
      path: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name,
      bytes: await f.arrayBuffer(),
    })),
  );
}

export function ModelManager() {
  const { status, registry, loadModel } = useInference();
  const info = activeModel(status);
  const [imported, setImported] = useState<StoredModel[]>([]);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  /** A model that loaded and ran in a trial, waiting for the user to say whether to use it. */
  const [tried, setTried] = useState<{ files: ModelFiles; info: LoadedModelInfo } | null>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    try {
      setImported(await listImportedModels());
    } catch (error) {
      setMessage({ kind: 'error', text: (error as Error).message });
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Tried in a worker of its own, so the model in use keeps answering; only a model that runs here is
  // offered, and it replaces the model in use only when the user says so.
  const importFiles = async (files: File[]) => {
    if (files.length === 0) return;
    setBusy(true);
    setMessage(null);
    setTried(null);
    const trial = new InferenceClient();
    try {
      const modelFiles = collectModelFiles(await filesToEntries(files));
      const tryInfo = await trial.load(
        { kind: 'files', label: 'import', ...modelFiles },
        backendPreference(),
      );
      setTried({ files: modelFiles, info: tryInfo });
    } catch (error) {
      setMessage({
        kind: 'error',
        text:
          error instanceof ModelImportProblem
            ? error.message
            : `The model was not imported: ${(error as Error).message} The model in use stays.`,
      });
    } finally {
      trial.terminate();
      setBusy(false);
    }
  };

  const keepTried = async (use: boolean) => {
    if (!tried) return;
    setBusy(true);
    try {
      const stored = await saveImportedModel(tried.files);
      const name = `${stored.metadata.displayName} v${stored.metadata.version}`;
      if (use) {
        const ok = await loadModel({ kind: 'files', label: stored.key, ...tried.files });
        if (!ok) {
          setMessage({
            kind: 'error',
            text: `${name} was kept on this device but could not be switched to.`,
          });
          return;
        }
        rememberModelChoice(`${IMPORTED_PREFIX}${stored.key}`);
        setMessage({ kind: 'ok', text: `Imported ${name}; it is now in use and works offline.` });
      } else {
        setMessage({
          kind: 'ok',
          text: `Imported ${name}; kept on this device (works offline). The model in use is unchanged.`,
        });
      }
      await refresh();
    } catch (error) {
      setMessage({ kind: 'error', text: `The model could not be kept: ${(error as Error).message}` });
    } finally {
      setTried(null);
      setBusy(false);
    }
  };

  const switchToImported = async (model: StoredModel) => {
    setBusy(true);
    try {
      const files = await readImportedModel(model.key);
      if (await loadModel({ kind: 'files', label: model.key, ...files }))
        rememberModelChoice(`${IMPORTED_PREFIX}${model.key}`);
    } catch (error) {
      setMessage({ kind: 'error', text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (model: StoredModel) => {
    if (!window.confirm(`Delete ${model.metadata.displayName} v${model.metadata.version} from this device?`))
      return;
    await deleteImportedModel(model.key);
    await refresh();
  };

  const isActive = (id: string, version?: string) =>
    info?.metadata.id === id && (!version || info.metadata.version === version);
  const disabled = busy || status.state === 'loading';

  return (
    <section className="choice-group models" aria-labelledby="models-title">
      <h3 id="models-title">Models</h3>
      <ul className="model-list">
        {registry &&
          offeredModels(registry.registry).map((m) => (
            <li key={m.id} className="model-row" data-testid={`model-${m.id}`}>
              <span>
                {m.id}{' '}
                <span className="muted">
                  (bundled{registry.registry.default === m.id ? ', default' : ''})
                </span>
              </span>
              {isActive(m.id) ? (
                <strong>In use</strong>
              ) : (
                <button
                  type="button"
                  className="button"
                  disabled={disabled}
                  onClick={() => {
                    void loadModel({ kind: 'url', url: bundledModelUrl(registry.base, m) }).then(
                      (ok) => ok && rememberModelChoice(m.id),
                    );
                  }}
                >
                  Use this model
                </button>
              )}
            </li>
          ))}
        {imported.map((m) => (
          <li key={m.key} className="model-row" data-testid={`imported-${m.key}`}>
            <span>
              {m.metadata.displayName} v{m.metadata.version}{' '}
              <span className="muted">
                (imported, {m.metadata.architecture}, {formatBytes(m.bytes)}, licence:{' '}
                {m.metadata.provenance.licence})
              </span>
            </span>
            <span className="row-actions">
              {isActive(m.metadata.id, m.metadata.version) ? (
                <strong>In use</strong>
              ) : (
                <button
                  type="button"
                  className="button"
                  disabled={disabled}
                  onClick={() => void switchToImported(m)}
                >
                  Use this model
                </button>
              )}
              <button
                type="button"
                className="button"
                disabled={disabled || isActive(m.metadata.id, m.metadata.version)}
                onClick={() => void remove(m)}
              >
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
      <div className="import-row">
        <button
          type="button"
          className="button primary"
          disabled={disabled}
          onClick={() => folderInput.current?.click()}
        >
          Import a model folder
        </button>
        <button
          type="button"
          className="button"
          disabled={disabled}
          onClick={() => zipInput.current?.click()}
        >
          Import a .zip
        </button>
        <input
          ref={folderInput}
          data-testid="import-model-folder"
          type="file"
          hidden
          multiple
          {...{ webkitdirectory: '' }}
          onChange={(e) => {
            void importFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <input
          ref={zipInput}
          data-testid="import-model-zip"
          type="file"
          accept=".zip,application/zip"
          hidden
          onChange={(e) => {
            void importFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </div>
      <p className="muted">
        A model exported with training/export_tfjs.py (model.json and its weight files). It is checked against
        the metadata contract and tried; you then choose whether to use it now, keep it for later, or drop it.
      </p>
      {tried && (
        <div
          className="banner warning import-confirm"
          role="dialog"
          aria-label="Use the imported model?"
          data-testid="import-confirm"
        >
          <span>
            {tried.info.metadata.displayName} v{tried.info.metadata.version} loaded and ran on this device (
            {tried.info.backend.toUpperCase()}). Use it instead of{' '}
            {info ? `${info.metadata.displayName} v${info.metadata.version}` : 'the model in use'}? Every
            result records which model gave it.
          </span>
          <span className="row-actions">
            <button
              type="button"
              className="button primary"
              data-testid="import-use"
              disabled={busy}
              onClick={() => void keepTried(true)}
            >
              Use it now
            </button>
            <button
              type="button"
              className="button"
              data-testid="import-keep"
              disabled={busy}
              onClick={() => void keepTried(false)}
            >
              Keep it for later
            </button>
            <button
              type="button"
              className="button"
              data-testid="import-cancel"
              disabled={busy}
              onClick={() => setTried(null)}
            >
              Cancel
            </button>
          </span>
        </div>
      )}
      {message && (
        <p
          className={message.kind === 'error' ? 'banner error' : 'banner ok'}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid="import-message"
        >
          {message.text}
        </p>
      )}
      {info && (
        <details className="model-card" data-testid="model-card">
          <summary>
            About {info.metadata.displayName} v{info.metadata.version}
          </summary>
          <dl>
            <dt>Architecture</dt>
            <dd>
              {info.metadata.architecture}, input {info.metadata.input.width}×{info.metadata.input.height}
            </dd>
            <dt>Trained on</dt>
            <dd>{info.metadata.provenance.trainedOn}</dd>
            <dt>Licence</dt>
            <dd>{info.metadata.provenance.licence}</dd>
          </dl>
          {info.metadata.modelCard && (
            <Suspense fallback={<p className="muted">Loading the model card…</p>}>
              <ModelCardText markdown={info.metadata.modelCard} />
            </Suspense>
          )}
        </details>
      )}
    </section>
  );
}
