// A clip's read-out as every screen shows it (sign, probabilities, frame counts, who read it; the timeline), and reading a clip's frames in the worker.
import './clip.css';
export { ClipReadoutPanel } from './ClipReadoutPanel';
export { ClipTimeline } from './ClipTimeline';
export {
  CLIP_FRAMES_PER_CALL,
  clearestFrame,
  clipFrameReading,
  clipFramesToRead,
  clipReadBy,
  readClipFrames,
  type ClipFrameToRead,
  type ClipFramesRead,
  type ClipReadBy,
} from './readClip';
