// Which cases a screen shows: filters by label, model sign, agreement, model version, zone, exam and date.

import type { CaseLabel, ClassId } from '../../core';
import { splitModelKey, type CaseRecord, type StoredPrediction } from '../../store';

/** Where and when frames were taken: the filters the case library and the dashboard share. '' = any. */
export interface CaseScope {
  zone: string;
  exam: string;
  /** yyyy-mm-dd, inclusive, local time. */
  from: string;
  to: string;
}

export const ANY_SCOPE: CaseScope = { zone: '', exam: '', from: '', to: '' };

/** What a scope reads of a case: a stored case and a dashboard source case both have it. */
interface Scoped {
  zone: string;
  examId: string;
  created: number;
}

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

const dayStart = (d: string) => new Date(`${d}T00:00:00`).getTime();

export function inScope(c: Scoped, s: CaseScope): boolean {
  return (
    (!s.zone || c.zone === s.zone) &&
    (!s.exam || c.examId === s.exam) &&
    (!s.from || c.created >= dayStart(s.from)) &&
    (!s.to || c.created < dayStart(s.to) + 86_400_000)
  );
}

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

export function modelKeyName(key: string): string {
  const { modelId, modelVersion } = splitModelKey(key);
  return modelVersion ? `${modelId} v${modelVersion}` : modelId;
}

export function examsOf(cases: readonly Scoped[]): string[] {
  return [...new Set(cases.map((c) => c.examId).filter(Boolean))].sort();
}

export function zonesOf(cases: readonly Scoped[]): string[] {
  return [...new Set(cases.map((c) => c.zone).filter(Boolean))].sort();
}
