// The seed study's Table 1 layout: four signs and Total; precision, specificity, F1, recall, accuracy, kappa; 95% CIs.

import {
  CLASS_NAMES,
  UNDEFINED_MARK,
  formatKappa,
  formatKappaInterval,
  formatPercent,
  formatPercentInterval,
  type Interval,
  type MetricsReport,
} from '../../domain';

const COLUMNS = ['precision', 'specificity', 'f1', 'recall', 'accuracy', 'kappa'] as const;
type Column = (typeof COLUMNS)[number];
const HEAD: Record<Column, string> = {
  precision: 'Precision',
  specificity: 'Specificity',
  f1: 'F1-score',
  recall: 'Recall',
  accuracy: 'Accuracy',
  kappa: 'Kappa',
};

function Cell({
  testId,
  value,
  ci,
  kappa,
}: {
  testId: string;
  value: number | null | undefined;
  ci: Interval | null | undefined;
  kappa?: boolean;
}) {
  const text = kappa ? formatKappa(value) : formatPercent(value);
  const range = kappa ? formatKappaInterval(ci) : formatPercentInterval(ci);
  return (
    <td data-testid={testId} data-value={value ?? ''} className="num">
      <span className="cell-value">{text}</span>
      {range && <span className="cell-ci">{range}</span>}
    </td>
  );
}

export function Table1({ report, prefix }: { report: MetricsReport; prefix: string }) {
  const t = report.total;
  const fewer = (['precision', 'recall', 'specificity', 'f1'] as const).filter((k) => t.averagedOver[k] < 4);
  return (
    <div className="table1-wrap">
      <table className="table1" data-testid={`${prefix}-table1`}>
        <caption className="muted small">
          Values in %, 95% confidence interval below each (kappa as a fraction).
        </caption>
        <thead>
          <tr>
            <th scope="col">Sign</th>
            {COLUMNS.map((c) => (
              <th key={c} scope="col" className="num">
                {HEAD[c]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.perClass.map((r) => (
            <tr key={r.classId}>
              <th scope="row">
                {CLASS_NAMES[r.classId]} <span className="muted small">n={r.support}</span>
              </th>
              <Cell testId={`${prefix}-${r.classId}-precision`} value={r.precision} ci={r.ci.precision} />
              <Cell
                testId={`${prefix}-${r.classId}-specificity`}
                value={r.specificity}
                ci={r.ci.specificity}
              />
              <Cell testId={`${prefix}-${r.classId}-f1`} value={r.f1} ci={r.ci.f1} />
              <Cell testId={`${prefix}-${r.classId}-recall`} value={r.recall} ci={r.ci.recall} />
              <Cell testId={`${prefix}-${r.classId}-accuracy`} value={r.accuracy} ci={r.ci.accuracy} />
              <td
                className="num muted"
                data-testid={`${prefix}-${r.classId}-kappa`}
                title="Kappa exists only for the whole table"
              >
                {UNDEFINED_MARK}
              </td>
            </tr>
          ))}
          <tr className="total-row">
            <th scope="row">
              Total <span className="muted small">n={t.n}</span>
            </th>
            <Cell testId={`${prefix}-total-precision`} value={t.precision} ci={t.ci.precision} />
            <Cell testId={`${prefix}-total-specificity`} value={t.specificity} ci={t.ci.specificity} />
            <Cell testId={`${prefix}-total-f1`} value={t.f1} ci={t.ci.f1} />
            <Cell testId={`${prefix}-total-recall`} value={t.recall} ci={t.ci.recall} />
            <Cell testId={`${prefix}-total-accuracy`} value={t.accuracy} ci={t.ci.accuracy} />
            <Cell testId={`${prefix}-total-kappa`} value={t.kappa} ci={t.ci.kappa} kappa />
          </tr>
        </tbody>
      </table>
      <p className="muted small definitions">
        Per sign: one sign against the other three. Total: precision, specificity, F1 and recall are the mean
        over the signs (macro); accuracy is correct ÷ all; kappa is Cohen&apos;s kappa for the whole table.
        “—” means undefined (no cases to divide by).
        {fewer.length > 0 &&
          ` The Total ${fewer.join(', ')} average over fewer than four signs: some signs have no cases.`}
      </p>
    </div>
  );
}
