// Where and when frames were taken: the zone, exam and date scope the case library and the dashboard share.

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
export interface Scoped {
  zone: string;
  examId: string;
  created: number;
}

const dayStart = (d: string) => new Date(`${d}T00:00:00`).getTime();

export function inScope(c: Scoped, s: CaseScope): boolean {
  return (
    (!s.zone || c.zone === s.zone) &&
    (!s.exam || c.examId === s.exam) &&
    (!s.from || c.created >= dayStart(s.from)) &&
    (!s.to || c.created < dayStart(s.to) + 86_400_000)
  );
}

export function examsOf(cases: readonly Scoped[]): string[] {
  return [...new Set(cases.map((c) => c.examId).filter(Boolean))].sort();
}

export function zonesOf(cases: readonly Scoped[]): string[] {
  return [...new Set(cases.map((c) => c.zone).filter(Boolean))].sort();
}
