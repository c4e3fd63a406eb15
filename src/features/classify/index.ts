// Public surface of the classify screen.
export { ClassifyScreen } from './ClassifyScreen';
// The capture screen reuses the crop editor over live video and the read-out for frozen frames.
export { CropEditor } from './CropEditor';
export { ResultPanel } from './ResultPanel';
