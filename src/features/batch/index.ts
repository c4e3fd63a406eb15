// Public surface of the batch feature: the screen, the shared batch CSV/metrics, and the latest batch as a dashboard source.
import './batch.css';
export { BatchScreen } from './BatchScreen';
export { BatchResumeBanner } from './BatchResumeBanner';
export * from './batchReport';
export { latestBatchSource, onBatchSourceChange } from './batchSource';
