// Table 1 defined once: its columns, each cell's text and interval, and what the Total row averages; the
// dashboard, the batch screen, the metrics CSV and the command line all lay it out from here.

import { CLASS_IDS, CLASS_NAMES, type ClassId } from '../frame';
import { formatKappa, formatKappaInterval, formatPercent, formatPercentInterval } from './format';
import type { Interval } from './intervals';
import type { MetricsReport } from './report';

export type Table1Column = 'precision' | 'specificity' | 'f1' | 'recall' | 'accuracy' | 'kappa';

/** The study's column order. Kappa exists only for the whole table. */
export const TABLE1_COLUMNS: ReadonlyArray<{ key: Table1Column; head: string }> = [
  { key: 'precision', head: 'Precision' },
  { key: 'specificity', head: 'Specificity' },
  { key: 'f1', head: 'F1-score' },
  { key: 'recall', head: 'Recall' },
  { key: 'accuracy', head: 'Accuracy' },
  { key: 'kappa', head: 'Kappa' },
];

export interface Table1Cell {
  value: number | null;
  ci: Interval | null;
  /** "97.51", "0.8737" or "—". */
  text: string;
  /** "88.1–93.2", or '' when there is no interval (undefined value, or a sign with no cases). */
  range: string;
}

export interface Table1Row {
  /** A sign's id, or 'total'. */
  id: ClassId | 'total';
  name: string;
  n: number;
  /** Null where the column does not apply (kappa of one sign). */
  cells: Record<Table1Column, Table1Cell | null>;
}

export interface Table1 {
  rows: Table1Row[];
  /** What the Total row is, in words, including which signs a mean left out. */
  totalNote: string;
}

const MACRO = ['precision', 'specificity', 'f1', 'recall'] as const;

function cell(value: number | null, ci: Interval | null, kappa = false): Table1Cell {
  const defined = value !== null && Number.isFinite(value);
  return {
    value: defined ? value : null,
    ci: defined ? ci : null,
    text: kappa ? formatKappa(value) : formatPercent(value),
    range: defined ? (kappa ? formatKappaInterval(ci) : formatPercentInterval(ci)) : '',
  };
}

/** "A-lines, B-lines and Pleural effusion". */
function signList(ids: readonly ClassId[]): string {
  const names = ids.map((id) => CLASS_NAMES[id]);
  return names.length <= 1 ? (names[0] ?? 'no sign') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** What the Total row averages, said plainly; names the signs a mean skipped because they had no value. */
export function totalNote(report: MetricsReport): string {
  const t = report.total;
  const base =
    'Per sign: one sign against the other three. Total: precision, specificity, F1 and recall are the mean over the signs (macro); accuracy is correct ÷ all; kappa is Cohen’s kappa for the whole table. “—” means undefined (no cases to divide by).';
  const partial = MACRO.filter((k) => t.averagedSigns[k].length < CLASS_IDS.length);
  if (!partial.length) return base;
  const parts = partial.map((k) => {
    const head = TABLE1_COLUMNS.find((c) => c.key === k)!.head.replace('-score', '');
    return `${head} over ${signList(t.averagedSigns[k])}`;
  });
  return `${base} Here the Total averages ${parts.join('; ')}: the other signs have no value (no cases).`;
}

export function table1(report: MetricsReport): Table1 {
  const rows: Table1Row[] = report.perClass.map((r) => ({
    id: r.classId,
    name: CLASS_NAMES[r.classId],
    n: r.support,
    cells: {
      precision: cell(r.precision, r.ci.precision),
      specificity: cell(r.specificity, r.ci.specificity),
      f1: cell(r.f1, r.ci.f1),
      recall: cell(r.recall, r.ci.recall),
      accuracy: cell(r.accuracy, r.ci.accuracy),
      kappa: null,
    },
  }));
  const t = report.total;
  rows.push({
    id: 'total',
    name: 'Total',
    n: t.n,
    cells: {
      precision: cell(t.precision, t.ci.precision),
      specificity: cell(t.specificity, t.ci.specificity),
      f1: cell(t.f1, t.ci.f1),
      recall: cell(t.recall, t.ci.recall),
      accuracy: cell(t.accuracy, t.ci.accuracy),
      kappa: cell(t.kappa, t.ci.kappa, true),
    },
  });
  return { rows, totalNote: totalNote(report) };
}
