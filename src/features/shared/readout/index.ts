// One frame's read-out as every screen shows it: the frame with its region and heat map, the sign, the probabilities.
export { CropEditor } from './CropEditor';
export { ExplainedFrame } from './ExplainedFrame';
export { ProbabilityBars } from './ProbabilityBars';
export { ReadOutText } from './ReadOutText';
export { ResultPanel } from './ResultPanel';
