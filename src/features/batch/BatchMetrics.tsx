// Table 1 and the confusion matrix for a batch's labelled frames, computed by the shared metrics (src/core/metrics).

import { useMemo } from 'react';
import { batchMetrics, coverageText, type BatchRow } from '../../core';
import { ConfusionHeatmap, Table1 } from '../shared';

export function BatchMetrics({ rows }: { rows: readonly BatchRow[] }) {
  // The rows are replaced, never changed, so this runs once when the batch stops (the screen shows the metrics
  // only then): the bootstrap intervals take a moment on big folders.
  const report = useMemo(() => batchMetrics(rows), [rows]);
  if (!report) return null;
  return (
    <section className="panel batch-metrics" aria-label="Metrics" data-testid="batch-metrics">
      <h3>How the model agrees with the folder labels</h3>
      <p className="muted" data-testid="batch-coverage">
        {coverageText(report.coverage, 'frames')}. The Dashboard shows intervals, ROC and calibration for this
        batch too.
      </p>
      {/* Seven columns do not fit a phone: the table scrolls sideways, the page does not. */}
      <Table1 report={report} prefix="batch" intervals={false} />
      <h4>Confusion matrix</h4>
      <ConfusionHeatmap matrix={report.matrix} prefix="batch" rows="folder" />
    </section>
  );
}
