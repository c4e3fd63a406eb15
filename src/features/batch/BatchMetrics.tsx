// Table 1 and the confusion matrix for a batch's labelled frames, computed by the shared metrics (src/domain/metrics).

import { useMemo } from 'react';
import {
  CLASS_IDS,
  CLASS_NAMES,
  CLASS_SHORT_NAMES,
  coverageText,
  formatKappa,
  formatPercent,
} from '../../domain';
import { batchMetrics, type BatchRow } from './batchReport';

export function BatchMetrics({ rows, version }: { rows: readonly BatchRow[]; version: number }) {
  // Recomputed when the batch stops, not per chunk: the bootstrap intervals take a moment on big folders.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const report = useMemo(() => batchMetrics(rows), [rows, version]);
  if (!report) return null;
  const t = report.total;
  return (
    <section className="panel batch-metrics" aria-label="Metrics" data-testid="batch-metrics">
      <h3>How the model agrees with the folder labels</h3>
      <p className="muted" data-testid="batch-coverage">
        {coverageText(report.coverage)}. Values in %; total row: macro means, overall accuracy, Cohen’s kappa.
        The Dashboard shows intervals, ROC and calibration once the frames are saved as cases.
      </p>
      <table className="table1" data-testid="batch-table1">
        <thead>
          <tr>
            <th scope="col">Sign</th>
            <th scope="col" className="num">
              Precision
            </th>
            <th scope="col" className="num">
              Specificity
            </th>
            <th scope="col" className="num">
              F1-score
            </th>
            <th scope="col" className="num">
              Recall
            </th>
            <th scope="col" className="num">
              Accuracy
            </th>
            <th scope="col" className="num">
              Kappa
            </th>
          </tr>
        </thead>
        <tbody>
          {report.perClass.map((r) => (
            <tr key={r.classId}>
              <th scope="row">
                {CLASS_NAMES[r.classId]} <span className="muted small">n={r.support}</span>
              </th>
              <td className="num">{formatPercent(r.precision)}</td>
              <td className="num">{formatPercent(r.specificity)}</td>
              <td className="num">{formatPercent(r.f1)}</td>
              <td className="num">{formatPercent(r.recall)}</td>
              <td className="num">{formatPercent(r.accuracy)}</td>
              <td />
            </tr>
          ))}
          <tr>
            <th scope="row">Total</th>
            <td className="num">{formatPercent(t.precision)}</td>
            <td className="num">{formatPercent(t.specificity)}</td>
            <td className="num">{formatPercent(t.f1)}</td>
            <td className="num">{formatPercent(t.recall)}</td>
            <td className="num" data-testid="batch-accuracy" data-value={t.accuracy ?? ''}>
              {formatPercent(t.accuracy)}
            </td>
            <td className="num" data-testid="batch-kappa" data-value={t.kappa ?? ''}>
              {formatKappa(t.kappa)}
            </td>
          </tr>
        </tbody>
      </table>
      <h4>Confusion matrix (rows: folder label, columns: model)</h4>
      <table className="batch-matrix" data-testid="batch-matrix">
        <thead>
          <tr>
            <th scope="col" />
            {CLASS_IDS.map((id) => (
              <th key={id} scope="col" className="num" title={CLASS_NAMES[id]}>
                {CLASS_SHORT_NAMES[id]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {CLASS_IDS.map((truth, i) => (
            <tr key={truth}>
              <th scope="row" title={CLASS_NAMES[truth]}>
                {CLASS_SHORT_NAMES[truth]}
              </th>
              {CLASS_IDS.map((predicted, j) => (
                <td
                  key={predicted}
                  className={i === j ? 'num diagonal' : 'num'}
                  data-testid={`batch-cell-${truth}-${predicted}`}
                  data-value={report.matrix[i]![j]}
                >
                  {report.matrix[i]![j]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
