// Public surface of the batch feature: the screen, the resume banner, and the latest batch as a dashboard source (the batch report is src/core/batch).
import './batch.css';
export { BatchScreen } from './BatchScreen';
export { BatchResumeBanner } from './BatchResumeBanner';
export { latestBatchSource, onBatchSourceChange } from './batchSource';
