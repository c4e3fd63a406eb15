// Which cases a screen shows: filters by label, model sign, agreement, model version, zone, exam and date.

import type { CaseLabel, ClassId } from '../../core';
import type { CaseRecord, StoredPrediction } from '../../store';
import { ANY_SCOPE, inScope, type CaseScope } from '../shared';

export interface CaseFilters extends CaseScope {
  label: CaseLabel | '';
  predicted: ClassId | 'refused' | 'none' | '';
  agreement: 'agree' | 'disagree' | '';
  /** Whose results the sign and agreement filters read; '' = none chosen. */
  model: string;
}

export const NO_FILTERS: CaseFilters = {
  label: '',
  predicted: '',
  agreement: '',
  model: '',
  ...ANY_SCOPE,
};

export function predictionFor(c: CaseRecord, model: string): StoredPrediction | undefined {
  return model ? c.predictions[model] : undefined;
}

export function agrees(c: CaseRecord, model: string): boolean | null {
  const p = predictionFor(c, model);
  if (!p || p.status !== 'scored' || c.label === 'unsure' || c.label === 'unlabelled') return null;
  return p.top === c.label;
}

export function matchesFilters(c: CaseRecord, f: CaseFilters): boolean {
  if (f.label && c.label !== f.label) return false;
  if (!inScope(c, f)) return false;
  if (f.predicted) {
    const p = predictionFor(c, f.model);
    if (
      f.predicted === 'none'
        ? !!p
        : f.predicted === 'refused'
          ? p?.status !== 'refused'
          : p?.status !== 'scored' || p.top !== f.predicted
    ) {
      return false;
    }
  }
  if (f.agreement) {
    const a = agrees(c, f.model);
    if (a === null || a !== (f.agreement === 'agree')) return false;
  }
  return true;
}

/** Model versions that scored any case, newest result first. */
export function modelKeysOf(cases: readonly CaseRecord[]): string[] {
  const latest = new Map<string, number>();
  for (const c of cases) {
    for (const [k, p] of Object.entries(c.predictions)) latest.set(k, Math.max(latest.get(k) ?? 0, p.at));
  }
  return [...latest.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
}
