// The latest batch's labelled results as a dashboard data source, published for the dashboard to offer beside the library.

import type { MetricsSource } from './metricsSource';

let latest: MetricsSource | null = null;
const listeners = new Set<(source: MetricsSource | null) => void>();

export function publishBatchSource(source: MetricsSource | null): void {
  latest = source;
  for (const l of listeners) l(source);
}

export function latestBatchSource(): MetricsSource | null {
  return latest;
}

/** Subscribes to the latest batch source; returns the unsubscribe function. */
export function onBatchSourceChange(listener: (source: MetricsSource | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
