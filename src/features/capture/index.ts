// Public surface of the capture screen (live classification from a video-capture card).
import './capture.css';
export { CaptureScreen } from './CaptureScreen';
