// Public surface of the metrics: labelled predictions → confusion matrix, Table 1 (scores, CSV, text), intervals, ROC, calibration.
export * from './labelled';
export * from './scores';
export * from './intervals';
export * from './roc';
export * from './calibration';
export * from './report';
export * from './format';
export * from './csv';
export * from './table1';
export * from './text';
