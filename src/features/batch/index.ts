// Public surface of the batch feature: the screen and the resume banner (the batch report is src/core/batch; the
// latest batch reaches the dashboard through ../shared/metrics).
import './batch.css';
export { BatchScreen } from './BatchScreen';
export { BatchResumeBanner } from './BatchResumeBanner';
