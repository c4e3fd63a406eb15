// Public surface of the classify screen.
import './clip.css';
export { ClassifyScreen } from './ClassifyScreen';
// The capture screen reuses the crop editor over live video and the read-out for frozen frames.
export { CropEditor } from './CropEditor';
export { ResultPanel } from './ResultPanel';
// Capture and batch draw frames with their heat map, and batch rows' probabilities, the same way.
export { ExplainedFrame } from './ExplainedFrame';
export { ProbabilityBars } from './ProbabilityBars';
export { ReadOutText } from './ReadOutText';
