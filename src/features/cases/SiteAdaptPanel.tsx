// Adapt to this site: re-fit the head on the library's reader-labelled cases, show held-out before/after, adopt or share on consent, revert.

import { useRef, useState, type SyntheticEvent } from 'react';
import { activeModel, useInference } from '../../app/InferenceContext';
import { IMPORTED_PREFIX, bundledModelUrl, rememberModelChoice } from '../../app/modelRegistry';
import { headSummary, type AdaptationCase, type SiteAdaptation } from '../../core/adapt';
import { CLASS_IDS, CLASS_NAMES, isClassId, type ClassId, type MetricsReport } from '../../core';
import {
  addPredictions,
  listImportedModels,
  modelKey,
  saveImportedModel,
  type CaseRecord,
  type StoredPrediction,
} from '../../store';
import { ConfusionHeatmap, Table1, downloadFile, predictionFromResult, todayStamp } from '../shared';
import { frameFor } from './rescoreCases';

/** Frames per worker call while features are read: Cancel-free but short enough to show progress. */
const FEATURE_BATCH = 8;

/** A case's features are those of its current version under one model. */
const readKey = (model: string, c: CaseRecord) => `${model}|${c.id}|${c.updated}`;

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);

/**
 * A reader's label, not one a batch took from a folder name (unless the reader chose to include those), on
 * a frame case. Clip cases are left out: the head is fitted on one frame's pooled features, and a clip's
 * read-out has none (its frames are many views of one case; mixing them in would weigh a clip many times).
 */
function usableLabel(c: CaseRecord, folderLabels: boolean): ClassId | null {
  if (c.clip || !isClassId(c.label)) return null;
  const last = c.labelHistory.at(-1);
  if (last?.source?.kind === 'folder' && !folderLabels) return null;
  return c.label;
}

function SignRows({ result }: { result: SiteAdaptation }) {
  return (
    <table className="adapt-table" data-testid="adapt-table">
      <thead>
        <tr>
          <th scope="col">Sign</th>
          <th scope="col">Cases (exams)</th>
          <th scope="col">Recall, shipped → site head</th>
          <th scope="col">Head</th>
        </tr>
      </thead>
      <tbody>
        {CLASS_IDS.map((id, k) => {
          const s = result.perSign[id];
          return (
            <tr key={id} data-testid={`adapt-sign-${id}`}>
              <th scope="row">{CLASS_NAMES[id]}</th>
              <td>
                {s.cases} ({s.groups})
              </td>
              <td>
                {pct(result.before.perClass[k]!.recall)} → {pct(result.after.perClass[k]!.recall)}
              </td>
              <td>{s.learned ? 'learned' : 'kept as shipped (too few cases)'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** One head's held-out reading: its confusion matrix and Table 1, as the dashboard shows them. */
function HeadResult({ title, prefix, report }: { title: string; prefix: string; report: MetricsReport }) {
  return (
    <section className="adapt-head" aria-label={title}>
      <h4>{title}</h4>
      <ConfusionHeatmap matrix={report.matrix} prefix={prefix} rows="library" />
      <Table1 report={report} prefix={prefix} compact />
    </section>
  );
}

export function SiteAdaptPanel({ cases }: { cases: readonly CaseRecord[] }) {
  const { client, status, registry, loadModel } = useInference();
  const info = activeModel(status);
  const [folderLabels, setFolderLabels] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<SiteAdaptation | null>(null);
  /** Cases whose features needed a model run in the last measurement (0 on a second fit). */
  const [featureRuns, setFeatureRuns] = useState(0);
  /**
   * Features this panel has read, by model, case and case version: stored with the case too, but the case
   * list reloads after the store is written, and a second measurement pressed before it has reloaded would
   * otherwise run the model on every case again.
   */
  const readHere = useRef(new Map<string, Float32Array | 'refused'>());
  const [open, setOpen] = useState(false);
  const toggle = (e: SyntheticEvent<HTMLDetailsElement>) => setOpen(e.currentTarget.open);
  const [site, setSite] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  if (!client) return null;
  if (!info)
    // Kept mounted while a model (re)loads, so the panel stays open and its message stays on screen.
    return (
      <details className="panel adapt" data-testid="site-adapt" open={open} onToggle={toggle}>
        <summary>
          <h3>Adapt to this site</h3>
        </summary>
        <p role="status">{busy ?? 'The model is loading…'}</p>
      </details>
    );
  const meta = info.metadata;
  const siteHead = meta.siteHead as
    { base?: { id: string; version: string }; headNumber?: number } | undefined;
  const key = modelKey(meta.id, meta.version);
  const clipCases = cases.filter((c) => c.clip).length;
  const usable = cases.flatMap((c) => {
    const label = usableLabel(c, folderLabels);
    return label ? [{ c, label }] : [];
  });

  const measure = async () => {
    setBusy('Reading features…');
    setMessage(null);
    setResult(null);
    try {
      const features = new Map<string, Float32Array>();
      const refused = new Set<string>();
      const need: typeof usable = [];
      for (const u of usable) {
        const { c } = u;
        const p = c.predictions[key];
        const here = readHere.current.get(readKey(key, c));
        if (p?.status === 'scored' && p.features) features.set(c.id, p.features);
        else if (p?.status === 'refused' || here === 'refused') refused.add(c.id);
        else if (here) features.set(c.id, here);
        else need.push(u);
      }
      setFeatureRuns(need.length);
      for (let i = 0; i < need.length; i += FEATURE_BATCH) {
        const chunk = need.slice(i, i + FEATURE_BATCH);
        setBusy(`Reading features: ${i} of ${need.length} cases…`);
        const outcomes = await client.classify(
          chunk.map(({ c }) => frameFor(c)),
          undefined,
          { pooledFeatures: true, explain: false },
        );
        const stored: Array<{ caseId: string; prediction: StoredPrediction }> = [];
        outcomes.forEach((o, k) => {
          const c = chunk[k]!.c;
          if (!o.ok) return;
          const prediction = predictionFromResult(o.result);
          stored.push({ caseId: c.id, prediction });
          if (prediction.status === 'scored' && prediction.features) features.set(c.id, prediction.features);
          else refused.add(c.id);
          readHere.current.set(readKey(key, c), features.get(c.id) ?? 'refused');
        });
        // Kept with the case's prediction: a second fit costs no model run.
        await addPredictions(stored);
      }
      const adaptation: AdaptationCase[] = usable.flatMap(({ c, label }) => {
        const f = features.get(c.id);
        return f ? [{ caseId: c.id, group: c.examId || c.id, label, features: f }] : [];
      });
      setBusy(`Fitting and measuring on ${adaptation.length} cases…`);
      const fitted = await client.adaptHead(adaptation);
      setResult(fitted);
      if (refused.size)
        setMessage({
          kind: 'ok',
          text: `${refused.size} cases were refused by the input gate and left out.`,
        });
    } catch (error) {
      setMessage({ kind: 'error', text: `The site head could not be measured: ${(error as Error).message}` });
    } finally {
      setBusy(null);
    }
  };

  const nextHeadNumber = async () => {
    const models = await listImportedModels();
    const mine = models.filter((m) => {
      const h = m.metadata.siteHead as { base?: { id: string; version: string } } | undefined;
      return h?.base?.id === meta.id && h.base.version === meta.version;
    });
    return mine.length + 1;
  };

  /** Keeps the adapted model on the device and switches to it; the base stays one tap away. */
  const adoptFile = async (headFile: string) => {
    const files = await client.adaptedModel(headFile);
    const stored = await saveImportedModel(files);
    if (!(await loadModel({ kind: 'files', label: stored.key, ...files })))
      throw new Error(`${stored.metadata.displayName} was kept on this device but could not be switched to`);
    rememberModelChoice(`${IMPORTED_PREFIX}${stored.key}`);
    return stored;
  };

  const adopt = async () => {
    if (!result) return;
    setBusy('Adopting the site head…');
    setMessage(null);
    try {
      const text = await client.writeSiteHead(
        result.head,
        headSummary(result, new Date().toISOString()),
        site,
        await nextHeadNumber(),
      );
      const stored = await adoptFile(text);
      setMessage({
        kind: 'ok',
        text: `Now in use: ${stored.metadata.displayName} v${stored.metadata.version}. New results are kept under this version beside the base model's.`,
      });
      setResult(null);
    } catch (error) {
      setMessage({ kind: 'error', text: `The site head was not adopted: ${(error as Error).message}` });
    } finally {
      setBusy(null);
    }
  };

  const exportHead = async () => {
    if (!result) return;
    const text = await client.writeSiteHead(
      result.head,
      headSummary(result, new Date().toISOString()),
      site,
      await nextHeadNumber(),
    );
    downloadFile(text, `site-head-${meta.id}-${meta.version}-${todayStamp()}.json`, 'application/json');
  };

  const importHead = async (file: File) => {
    setBusy('Importing the site head…');
    setMessage(null);
    try {
      const stored = await adoptFile(await file.text());
      setMessage({
        kind: 'ok',
        text: `Imported and in use: ${stored.metadata.displayName} v${stored.metadata.version}.`,
      });
    } catch (error) {
      setMessage({ kind: 'error', text: `The site head was not imported: ${(error as Error).message}` });
    } finally {
      setBusy(null);
    }
  };

  const revert = async () => {
    const base = siteHead?.base;
    const entry = registry?.registry.models.find((m) => m.id === base?.id);
    if (!registry || !entry) {
      setMessage({
        kind: 'error',
        text: `The base model ${base?.id ?? ''} is not bundled here: choose a model in Settings.`,
      });
      return;
    }
    setBusy('Switching back…');
    if (await loadModel({ kind: 'url', url: bundledModelUrl(registry.base, entry) })) {
      rememberModelChoice(entry.id);
      setMessage({
        kind: 'ok',
        text: 'Back on the base model. The site head stays on this device (Settings → Models).',
      });
    }
    setBusy(null);
  };

  return (
    <details className="panel adapt" data-testid="site-adapt" open={open} onToggle={toggle}>
      <summary>
        <h3>Adapt to this site</h3>
      </summary>
      {siteHead ? (
        <>
          <p data-testid="adapt-in-use">
            In use: {meta.displayName} v{meta.version}, a site head over {siteHead.base?.id}{' '}
            {siteHead.base?.version}.
          </p>
          <button
            type="button"
            className="button"
            data-testid="adapt-revert"
            disabled={!!busy}
            onClick={() => void revert()}
          >
            Back to {siteHead.base?.id} {siteHead.base?.version}
          </button>
        </>
      ) : (
        <>
          <p className="muted">
            Re-fits only the model&rsquo;s last layer on this library&rsquo;s labelled cases (the filters
            above choose which), measured on held-out exams before you decide. Nothing is adopted
            automatically.
          </p>
          <label className="choice">
            <input
              type="checkbox"
              checked={folderLabels}
              onChange={(e) => setFolderLabels(e.target.checked)}
            />
            Also learn from labels taken from folder names (batches)
          </label>
          <div className="actions">
            <button
              type="button"
              className="button primary"
              data-testid="adapt-measure"
              disabled={!!busy || usable.length === 0}
              onClick={() => void measure()}
            >
              Measure a site head on {usable.length} labelled {usable.length === 1 ? 'case' : 'cases'}
            </button>
            {clipCases > 0 && (
              <span className="muted small" data-testid="adapt-clips-left-out">
                {clipCases} clip {clipCases === 1 ? 'case is' : 'cases are'} left out: a site head learns from
                frames.
              </span>
            )}
            <label className="button">
              Import a site head…
              <input
                type="file"
                accept="application/json,.json"
                data-testid="adapt-import"
                hidden
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  e.target.value = '';
                  if (f) void importHead(f);
                }}
              />
            </label>
          </div>
        </>
      )}
      {busy && (
        <p role="status" data-testid="adapt-busy">
          {busy}
        </p>
      )}
      {message && (
        <p
          className={message.kind === 'error' ? 'banner error' : 'banner'}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid="adapt-message"
        >
          {message.text}
        </p>
      )}
      {result && (
        <div data-testid="adapt-result" data-feature-runs={featureRuns}>
          <p data-testid="adapt-figures">
            On held-out exams ({result.folds} folds, {result.before.total.n} cases): accuracy{' '}
            {pct(result.before.total.accuracy)} → {pct(result.after.total.accuracy)}, kappa{' '}
            {result.before.total.kappa?.toFixed(2) ?? '–'} → {result.after.total.kappa?.toFixed(2) ?? '–'}.
          </p>
          <p className={result.verdict.offer ? 'verdict good' : 'verdict'} data-testid="adapt-verdict">
            {result.verdict.reason}
          </p>
          <SignRows result={result} />
          <div className="adapt-heads">
            <HeadResult title="Shipped head" prefix="adapt-before" report={result.before} />
            <HeadResult title="Site head" prefix="adapt-after" report={result.after} />
          </div>
          {result.verdict.offer && (
            <div className="actions">
              <label className="field">
                <span>Site or department (no patient data)</span>
                <input
                  value={site}
                  maxLength={80}
                  data-testid="adapt-site"
                  onChange={(e) => setSite(e.target.value)}
                />
              </label>
              <button
                type="button"
                className="button primary"
                data-testid="adapt-adopt"
                disabled={!!busy}
                onClick={() => void adopt()}
              >
                Adopt the site head
              </button>
              <button
                type="button"
                className="button"
                data-testid="adapt-export"
                disabled={!!busy}
                onClick={() => void exportHead()}
              >
                Export the site head file
              </button>
            </div>
          )}
        </div>
      )}
    </details>
  );
}
