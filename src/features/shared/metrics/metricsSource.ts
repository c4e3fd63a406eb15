// Where the dashboard's labelled predictions come from: the case library today, a batch job's results later.

import type { CaseLabel, LabelledPrediction, PredictionOutcome } from '../../../core';
import { labelOrigin, type CaseRecord, type LabelOrigin, type StoredPrediction } from '../../../store';
import { ANY_SCOPE, inScope, type CaseScope } from '../scope';

/** One labelled item with every model version's outcome; what any source must provide. */
export interface SourceCase {
  caseId: string;
  label: CaseLabel;
  /** A reader's reading, a sign folder's name (batch), or none. */
  labelOrigin: LabelOrigin;
  created: number;
  examId: string;
  zone: string;
  /** Keyed by `${modelId}@${modelVersion}`. */
  outcomes: Record<string, PredictionOutcome>;
}

export interface MetricsSource {
  id: string;
  /** Shown in the source picker and the printout: "Case library", "Batch 2026-11-27 ward 4". */
  name: string;
  /** Whether a case id can be opened as a stored case (a batch item may not be in the library). */
  opensCases: boolean;
  cases: SourceCase[];
}

function outcomeOf(p: StoredPrediction): PredictionOutcome {
  return p.status === 'scored'
    ? { kind: 'scored', probabilities: p.probabilities, top: p.top }
    : { kind: 'refused', reason: p.message };
}

export function caseLibrarySource(cases: readonly CaseRecord[]): MetricsSource {
  return {
    id: 'case-library',
    name: 'Case library',
    opensCases: true,
    cases: cases.map((c) => ({
      caseId: c.id,
      label: c.label,
      labelOrigin: labelOrigin(c),
      created: c.created,
      examId: c.examId,
      zone: c.zone,
      outcomes: Object.fromEntries(Object.entries(c.predictions).map(([k, p]) => [k, outcomeOf(p)])),
    })),
  };
}

/**
 * The dashboard filters by where and when, like the case library, and by whose label it is measured
 * against: readers' readings, folder names (batch imports), or both.
 */
export interface DashboardFilters extends CaseScope {
  labelFrom?: '' | 'reader' | 'folder';
}

export const NO_DASHBOARD_FILTERS: DashboardFilters = { ...ANY_SCOPE, labelFrom: '' };

export function filterSource(cases: readonly SourceCase[], f: DashboardFilters): SourceCase[] {
  return cases.filter((c) => inScope(c, f) && (!f.labelFrom || c.labelOrigin === f.labelFrom));
}

/** The labelled predictions of one model version; cases it has not scored count as "missing". */
export function labelledPredictions(cases: readonly SourceCase[], modelKey: string): LabelledPrediction[] {
  return cases.map((c) => ({
    caseId: c.caseId,
    truth: c.label,
    outcome: c.outcomes[modelKey] ?? { kind: 'missing' },
  }));
}

export function modelKeysOfSource(cases: readonly SourceCase[]): string[] {
  const count = new Map<string, number>();
  for (const c of cases) for (const k of Object.keys(c.outcomes)) count.set(k, (count.get(k) ?? 0) + 1);
  return [...count.keys()].sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
}
