// Cross-validation folds grouped by exam (or clip): every case of one group falls in the same fold, folds balanced by sign.

import { seededRandom } from '../random';

export interface GroupedCase {
  /** Exam id, clip id, or the case's own id when it has neither: cases of one group are never split. */
  group: string;
  /** Sign index of the reader's label. */
  label: number;
}

/**
 * Assigns each group to one of `folds` folds. Groups are dealt by their most frequent sign, rarest sign first,
 * round-robin from a seeded shuffle, so each fold gets a share of every sign and the same cases always give
 * the same folds. Returns the fold of each case, in input order.
 */
export function groupedFolds(cases: readonly GroupedCase[], folds: number, seed = 1): number[] {
  const groups = new Map<string, number[]>();
  for (const c of cases) {
    const counts = groups.get(c.group) ?? [];
    counts[c.label] = (counts[c.label] ?? 0) + 1;
    groups.set(c.group, counts);
  }
  if (groups.size < folds)
    throw new Error(
      `Cross-validation needs at least ${folds} exams or clips; these cases come from ${groups.size}`,
    );
  const majority = (counts: number[]): number => {
    let best = 0;
    counts.forEach((n, k) => {
      if ((n ?? 0) > (counts[best] ?? 0)) best = k;
    });
    return best;
  };
  const bySign = new Map<number, string[]>();
  for (const [group, counts] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sign = majority(counts);
    bySign.set(sign, [...(bySign.get(sign) ?? []), group]);
  }
  const random = seededRandom(seed);
  const foldOf = new Map<string, number>();
  let next = 0;
  for (const [, members] of [...bySign].sort(([, a], [, b]) => a.length - b.length)) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    for (const group of members) foldOf.set(group, next++ % folds);
  }
  return cases.map((c) => foldOf.get(c.group)!);
}
