// Public surface of model management.
export { ModelManager } from './ModelManager';
export { ModelSummaryPanel } from './ModelSummaryPanel';
