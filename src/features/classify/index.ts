// Public surface of the classify screen.
import './clip.css';
export { ClassifyScreen } from './ClassifyScreen';
