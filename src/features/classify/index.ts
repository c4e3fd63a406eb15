// Public surface of the classify screen.
export { ClassifyScreen } from './ClassifyScreen';
