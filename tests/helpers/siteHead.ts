// A site head's summary for tests that write head files: what the held-out folds showed, with plausible figures.

import { CLASS_IDS } from '../../src/core';
import type { HeadSummary } from '../../src/core/adapt';

/** Forty cases, every sign learned; the figures are never checked, only carried through a head file. */
export const SITE_HEAD_SUMMARY: HeadSummary = {
  created: '2026-12-02T12:00:00.000Z',
  cases: 40,
  perSign: Object.fromEntries(
    CLASS_IDS.map((id) => [id, { cases: 10, groups: 3, learned: true }]),
  ) as HeadSummary['perSign'],
  folds: 5,
  strength: 0.01,
  before: { accuracy: 0.5, kappa: 0.3 },
  after: { accuracy: 0.6, kappa: 0.45 },
  foldAccuracy: { before: [0.5], after: [0.6] },
};
