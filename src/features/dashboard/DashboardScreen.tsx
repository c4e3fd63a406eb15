// The metrics dashboard: Table 1, confusion heat map (cells open their cases), ROC, calibration, counts; two versions side by side.

import { useEffect, useMemo, useState } from 'react';
import {
  CLASS_IDS,
  CLASS_NAMES,
  coverageText,
  formatPercent,
  metricsCsv,
  metricsReport,
  type MetricsReport,
} from '../../core';
import {
  CaseDetail,
  CaseScopeFields,
  downloadFile,
  examsOf,
  ModelKeySelect,
  modelKeyName,
  thumbnailUrl,
  todayStamp,
  useCases,
  zonesOf,
  latestBatchSource,
  onBatchSourceChange,
  ConfusionHeatmap,
  type CellChoice,
  NO_DASHBOARD_FILTERS,
  caseLibrarySource,
  filterSource,
  labelledPredictions,
  modelKeysOfSource,
  type DashboardFilters,
  type MetricsSource,
  Table1,
} from '../shared';
import { zoneLabel, type CaseRecord } from '../../store';
import { CalibrationChart, CalibrationCounts, RocChart } from './charts';

function CaseThumb({ record, onOpen }: { record: CaseRecord; onOpen: () => void }) {
  const url = thumbnailUrl(record.id, record.thumbnail);
  return (
    <li data-testid="cell-case" data-case-id={record.id}>
      <button type="button" className="cell-case" onClick={onOpen}>
        {url ? <img src={url} alt="" /> : <span className="thumb-placeholder" />}
        <span className="small">
          {record.examId || 'No exam'} · {zoneLabel(record.zone)}
        </span>
      </button>
    </li>
  );
}

function ModelColumn({
  modelKey,
  report,
  prefix,
  source,
  records,
  onOpen,
  sideBySide,
}: {
  modelKey: string;
  report: MetricsReport;
  prefix: string;
  source: MetricsSource;
  records: ReadonlyMap<string, CaseRecord>;
  onOpen: (id: string) => void;
  /** Two versions are compared: the table is set smaller to fit half the width. */
  sideBySide: boolean;
}) {
  const [cell, setCell] = useState<CellChoice | null>(null);
  const ids = cell ? report.cellCases[cell.truth]![cell.predicted]! : [];
  return (
    <section
      className="model-column"
      data-testid={`${prefix}-column`}
      data-model={modelKey}
      aria-label={modelKeyName(modelKey)}
    >
      <h3>{modelKeyName(modelKey)}</h3>
      <p
        className="coverage"
        data-testid={`${prefix}-coverage`}
        data-scored={report.coverage.scored}
        data-total={report.coverage.total}
      >
        {coverageText(report.coverage)}
      </p>
      <Table1 report={report} prefix={prefix} compact={sideBySide} />
      <div className="dash-grid">
        <div className="dash-card">
          <h4>Confusion matrix</h4>
          <ConfusionHeatmap matrix={report.matrix} prefix={prefix} chosen={cell} onChoose={setCell} />
        </div>
        <div className="dash-card">
          <h4>Cases per sign</h4>
          <table className="counts" data-testid={`${prefix}-counts`}>
            <thead>
              <tr>
                <th>Sign</th>
                <th className="num">You labelled</th>
                <th className="num">Model called</th>
              </tr>
            </thead>
            <tbody>
              {CLASS_IDS.map((id) => (
                <tr key={id}>
                  <th scope="row">{CLASS_NAMES[id]}</th>
                  <td className="num">{report.counts.labelled[id]}</td>
                  <td className="num">{report.counts.predicted[id]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {cell && (
        <div className="dash-card cell-cases" data-testid={`${prefix}-cell-cases`} data-count={ids.length}>
          <h4>
            {ids.length} {ids.length === 1 ? 'case' : 'cases'}: you said {CLASS_NAMES[CLASS_IDS[cell.truth]!]}
            , the model said {CLASS_NAMES[CLASS_IDS[cell.predicted]!]}
            <button type="button" className="button" onClick={() => setCell(null)}>
              Hide
            </button>
          </h4>
          {ids.length === 0 ? (
            <p className="muted">No cases in this cell.</p>
          ) : (
            <ul className="cell-case-list">
              {ids.map((id) => {
                const r = records.get(id);
                return r && source.opensCases ? (
                  <CaseThumb key={id} record={r} onOpen={() => onOpen(id)} />
                ) : (
                  <li key={id} data-testid="cell-case" data-case-id={id}>
                    {id.slice(0, 8)}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
      <div className="dash-grid">
        <div className="dash-card">
          <h4>ROC, one sign against the rest</h4>
          <RocChart report={report} />
        </div>
        <div className="dash-card">
          <h4>
            Calibration{' '}
            <span
              className="muted small"
              data-testid={`${prefix}-ece`}
              data-value={report.calibration.ece ?? ''}
            >
              ECE {formatPercent(report.calibration.ece, 1)}%
            </span>
          </h4>
          <CalibrationChart report={report} />
          <CalibrationCounts report={report} prefix={prefix} />
        </div>
      </div>
    </section>
  );
}

export function DashboardScreen() {
  const { cases, loading } = useCases();
  const library = useMemo(() => caseLibrarySource(cases), [cases]);
  // A finished batch offers its labelled results as a second source, beside the stored cases.
  const [batch, setBatch] = useState<MetricsSource | null>(latestBatchSource());
  useEffect(() => onBatchSourceChange(setBatch), []);
  const [sourceId, setSourceId] = useState('case-library');
  const source = batch && sourceId === batch.id ? batch : library;
  const records = useMemo(() => new Map(cases.map((c) => [c.id, c])), [cases]);
  const [filters, setFilters] = useState<DashboardFilters>(NO_DASHBOARD_FILTERS);
  const [modelA, setModelA] = useState('');
  const [modelB, setModelB] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);

  const models = useMemo(() => modelKeysOfSource(source.cases), [source]);
  const a = models.includes(modelA) ? modelA : (models[0] ?? '');
  const b = modelB && modelB !== a && models.includes(modelB) ? modelB : '';
  const filtered = useMemo(() => filterSource(source.cases, filters), [source, filters]);
  const reportA = useMemo(() => (a ? metricsReport(labelledPredictions(filtered, a)) : null), [filtered, a]);
  const reportB = useMemo(() => (b ? metricsReport(labelledPredictions(filtered, b)) : null), [filtered, b]);
  const exams = useMemo(() => examsOf(source.cases), [source]);
  const zones = useMemo(() => zonesOf(source.cases), [source]);
  const set = (change: Partial<DashboardFilters>) => setFilters((f) => ({ ...f, ...change }));
  const open = openId ? records.get(openId) : undefined;

  const exportCsv = () => {
    const parts = [reportA && metricsCsv(reportA, a), reportB && metricsCsv(reportB, b)].filter(Boolean);
    downloadFile(parts.join('\n'), `lus-signs-metrics-${todayStamp()}.csv`, 'text/csv');
  };

  return (
    <div className="dashboard" data-testid="dashboard">
      <div className="dash-head">
        <h2>How well the model agrees with you</h2>
        <p className="muted print-only">
          {source.name}, printed {new Date().toLocaleString()}. Filters: {filters.from || 'any date'} to{' '}
          {filters.to || 'today'}, {filters.zone ? zoneLabel(filters.zone) : 'all zones'},{' '}
          {filters.exam || 'all exams'}, labels from{' '}
          {filters.labelFrom === 'reader'
            ? 'readers'
            : filters.labelFrom === 'folder'
              ? 'folder names'
              : 'readers and folder names'}
          .
        </p>
      </div>
      <form className="filters no-print" aria-label="Dashboard filters" onSubmit={(e) => e.preventDefault()}>
        {batch && (
          <label className="field model-field">
            <span>Data</span>
            <select data-testid="dash-source" value={source.id} onChange={(e) => setSourceId(e.target.value)}>
              <option value={library.id}>{library.name}</option>
              <option value={batch.id}>{batch.name}</option>
            </select>
          </label>
        )}
        <ModelKeySelect label="Model" testId="dash-model-a" value={a} keys={models} onChange={setModelA} />
        <ModelKeySelect
          label="Compare with"
          testId="dash-model-b"
          value={b}
          keys={models.filter((k) => k !== a)}
          onChange={setModelB}
          emptyChoice="Nothing"
        />
        <label className="field model-field">
          <span>Labels from</span>
          <select
            data-testid="dash-label-from"
            value={filters.labelFrom ?? ''}
            onChange={(e) => set({ labelFrom: e.target.value as DashboardFilters['labelFrom'] })}
          >
            <option value="">Readers and folders</option>
            <option value="reader">Readers only</option>
            <option value="folder">Folder names only (batch imports)</option>
          </select>
        </label>
        <CaseScopeFields
          scope={filters}
          onChange={set}
          zones={zones}
          exams={exams}
          anyText="All"
          testIdPrefix="dash"
        />
        <div className="row-buttons">
          <button
            type="button"
            className="button"
            data-testid="metrics-csv"
            disabled={!reportA}
            onClick={exportCsv}
          >
            Export metrics (CSV)
          </button>
          <button
            type="button"
            className="button"
            data-testid="dash-print"
            disabled={!reportA}
            onClick={() => window.print()}
          >
            Print
          </button>
        </div>
      </form>
      {loading ? (
        <p className="muted">Opening the case library…</p>
      ) : !reportA ? (
        <div className="empty-state">
          <p>No scored cases yet.</p>
          <p className="muted">
            Save labelled frames from the Classify screen, then come back to see how the model agrees with
            you.
          </p>
        </div>
      ) : (
        <div className={reportB ? 'model-columns two' : 'model-columns'}>
          <ModelColumn
            modelKey={a}
            report={reportA}
            prefix="a"
            source={source}
            records={records}
            onOpen={setOpenId}
            sideBySide={!!reportB}
          />
          {reportB && (
            <ModelColumn
              modelKey={b}
              report={reportB}
              prefix="b"
              source={source}
              records={records}
              onOpen={setOpenId}
              sideBySide
            />
          )}
        </div>
      )}
      {open && <CaseDetail record={open} onClose={() => setOpenId(null)} />}
    </div>
  );
}
