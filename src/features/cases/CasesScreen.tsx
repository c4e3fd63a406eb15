// The case library: filters, thumbnail grid, bulk select, delete with Undo, open a case, re-scoring and backup.

import { useMemo, useState } from 'react';
import { CLASS_IDS, CLASS_NAMES } from '../../core';
import { deleteCases, deleteExam, restoreDeletedCases, type CaseRecord } from '../../store';
import {
  CaseDetail,
  CaseScopeFields,
  LABEL_CHOICES,
  examsOf,
  ModelKeySelect,
  useCases,
  zonesOf,
} from '../shared';
import { CaseCard } from './CaseCard';
import { NO_FILTERS, matchesFilters, modelKeysOf, type CaseFilters } from './caseFilters';
import { LibraryPanel } from './LibraryPanel';
import { RescorePanel } from './RescorePanel';
import { SiteAdaptPanel } from './SiteAdaptPanel';

const PAGE = 120;

interface Undo {
  records: CaseRecord[];
  text: string;
}

export function CasesScreen() {
  const { cases, loading, error } = useCases();
  const [filters, setFilters] = useState<CaseFilters>(NO_FILTERS);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(null);
  const [undo, setUndo] = useState<Undo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // Hundreds of cards at once make a tablet sluggish; more are shown on request.
  const [limit, setLimit] = useState(PAGE);

  const models = useMemo(() => modelKeysOf(cases), [cases]);
  const model = filters.model && models.includes(filters.model) ? filters.model : (models[0] ?? '');
  const f = useMemo(() => ({ ...filters, model }), [filters, model]);
  const shown = useMemo(() => cases.filter((c) => matchesFilters(c, f)), [cases, f]);
  const exams = useMemo(() => examsOf(cases), [cases]);
  const zones = useMemo(() => zonesOf(cases), [cases]);
  const open = cases.find((c) => c.id === openId);
  const set = (change: Partial<CaseFilters>) => setFilters((old) => ({ ...old, ...change }));

  const removed = async (work: Promise<CaseRecord[]>, what: (n: number) => string) => {
    try {
      const records = await work;
      setSelected(new Set());
      setOpenId(null);
      if (records.length) setUndo({ records, text: what(records.length) });
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  const deleteSome = (ids: string[]) =>
    removed(deleteCases(ids), (n) => `Deleted ${n} ${n === 1 ? 'case' : 'cases'}.`);
  const deleteWholeExam = (examId: string) =>
    removed(deleteExam(examId), (n) => `Deleted exam ${examId} (${n} ${n === 1 ? 'case' : 'cases'}).`);

  const examCount = f.exam ? cases.filter((c) => c.examId === f.exam).length : 0;

  return (
    <div className="cases" data-testid="cases-screen">
      <div className="cases-head">
        <h2>
          Cases{' '}
          <span
            className="muted"
            data-testid="case-count"
            data-count={cases.length}
            data-shown={shown.length}
          >
            {shown.length === cases.length ? `${cases.length}` : `${shown.length} of ${cases.length} shown`}
          </span>
        </h2>
      </div>
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      {problem && (
        <div className="banner error" role="alert">
          {problem}
        </div>
      )}
      <RescorePanel cases={cases} />
      <form className="filters" aria-label="Filter cases" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Your label</span>
          <select
            data-testid="filter-label"
            value={f.label}
            onChange={(e) => set({ label: e.target.value as CaseFilters['label'] })}
          >
            <option value="">Any</option>
            {LABEL_CHOICES.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
            <option value="unlabelled">Not labelled</option>
          </select>
        </label>
        <ModelKeySelect
          label="Model version"
          testId="filter-model"
          value={model}
          keys={models}
          onChange={(key) => set({ model: key })}
        />
        <label className="field">
          <span>Model&apos;s sign</span>
          <select
            data-testid="filter-predicted"
            value={f.predicted}
            onChange={(e) => set({ predicted: e.target.value as CaseFilters['predicted'] })}
          >
            <option value="">Any</option>
            {CLASS_IDS.map((id) => (
              <option key={id} value={id}>
                {CLASS_NAMES[id]}
              </option>
            ))}
            <option value="refused">Refused</option>
            <option value="none">Not scored</option>
          </select>
        </label>
        <label className="field">
          <span>Agreement</span>
          <select
            data-testid="filter-agreement"
            value={f.agreement}
            onChange={(e) => set({ agreement: e.target.value as CaseFilters['agreement'] })}
          >
            <option value="">Any</option>
            <option value="agree">Model agrees with you</option>
            <option value="disagree">Model differs from you</option>
          </select>
        </label>
        <CaseScopeFields
          scope={f}
          onChange={set}
          zones={zones}
          exams={exams}
          anyText="Any"
          testIdPrefix="filter"
        />
        <button type="button" className="button" onClick={() => setFilters(NO_FILTERS)}>
          Show all
        </button>
      </form>
      {(selected.size > 0 || f.exam) && (
        <div className="bulk-bar" role="toolbar" aria-label="Selected cases">
          {selected.size > 0 && (
            <>
              <strong data-testid="selected-count">{selected.size} selected</strong>
              <button
                type="button"
                className="button danger"
                data-testid="delete-selected"
                onClick={() => void deleteSome([...selected])}
              >
                Delete selected
              </button>
              <button type="button" className="button" onClick={() => setSelected(new Set())}>
                Clear selection
              </button>
            </>
          )}
          {f.exam && (
            <button
              type="button"
              className="button danger"
              data-testid="delete-exam"
              onClick={() => void deleteWholeExam(f.exam)}
            >
              Delete exam {f.exam} ({examCount} {examCount === 1 ? 'case' : 'cases'})
            </button>
          )}
        </div>
      )}
      {shown.length > 0 && (
        <div className="row-buttons">
          <button
            type="button"
            className="button"
            data-testid="select-shown"
            onClick={() => setSelected(new Set(shown.map((c) => c.id)))}
          >
            Select all {shown.length} shown
          </button>
        </div>
      )}
      {loading ? (
        <p className="muted">Opening the case library…</p>
      ) : cases.length === 0 ? (
        <div className="empty-state">
          <p>No cases yet.</p>
          <p className="muted">
            After a read-out on the Classify screen, choose your label and press “Save case”.
          </p>
        </div>
      ) : shown.length === 0 ? (
        <p className="muted">No case matches these filters.</p>
      ) : (
        <ul className="case-grid" data-testid="case-grid">
          {shown.slice(0, limit).map((c) => (
            <CaseCard
              key={c.id}
              record={c}
              model={model}
              selected={selected.has(c.id)}
              onOpen={() => setOpenId(c.id)}
              onToggle={() =>
                setSelected((old) => {
                  const next = new Set(old);
                  if (next.has(c.id)) next.delete(c.id);
                  else next.add(c.id);
                  return next;
                })
              }
            />
          ))}
        </ul>
      )}
      {shown.length > limit && (
        <button
          type="button"
          className="button"
          data-testid="show-more"
          onClick={() => setLimit((l) => l + PAGE)}
        >
          Show {Math.min(PAGE, shown.length - limit)} more ({shown.length - limit} not shown)
        </button>
      )}
      <SiteAdaptPanel cases={shown} />
      <LibraryPanel cases={cases} />
      {open && (
        <CaseDetail
          record={open}
          onClose={() => setOpenId(null)}
          onDelete={(r) => void deleteSome([r.id])}
          onDeleteExam={(x) => void deleteWholeExam(x)}
        />
      )}
      {undo && (
        <div className="toast" role="status" data-testid="undo-toast">
          <span>{undo.text}</span>
          <button
            type="button"
            className="button primary"
            data-testid="undo"
            onClick={() => {
              const { records } = undo;
              setUndo(null);
              void restoreDeletedCases(records).catch((e: unknown) => setProblem((e as Error).message));
            }}
          >
            Undo
          </button>
          <button type="button" className="button" aria-label="Dismiss" onClick={() => setUndo(null)}>
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
