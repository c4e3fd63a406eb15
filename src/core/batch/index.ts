// Public surface of the batch report: rows, counts, the CSV, and labelled predictions for metrics.
export * from './batchReport';
