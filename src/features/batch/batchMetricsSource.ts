// A batch's labelled results as a dashboard data source (the report itself is pure: src/core/batch).

import { batchOutcome, type BatchRow } from '../../core';
import type { MetricsSource } from '../shared';

/** The labelled results as a dashboard data source (items are files, not stored cases). */
export function batchMetricsSource(name: string, rows: readonly BatchRow[], at = Date.now()): MetricsSource {
  const cases = [];
  for (const r of rows) {
    if (!r.label || !r.score) continue;
    cases.push({
      caseId: r.path,
      label: r.label,
      labelOrigin: 'folder' as const,
      created: at,
      examId: '',
      zone: '',
      outcomes: {
        [`${r.score.modelId}@${r.score.modelVersion}`]: batchOutcome(r.score),
      },
    });
  }
  return { id: `batch:${name}`, name, opensCases: false, cases };
}
