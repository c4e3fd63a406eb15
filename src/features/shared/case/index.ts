// One case: saving a read-out as a case, opening a stored case, the library as a React hook, and the pieces they share.
import './case.css';
export { SaveCasePanel } from './SaveCasePanel';
export { CaseDetail } from './CaseDetail';
export { LABEL_CHOICES, caseLabelText } from './labelChoices';
export { predictionFromResult, predictionFromClipReadout, modelKeyName } from './predictions';
export { ModelKeySelect } from './ModelKeySelect';
export { prepareCaseImages } from './caseImage';
export {
  CLIP_FRAME_QUALITY,
  CLIP_FRAME_SIDE,
  clipRegion,
  prepareClipCase,
  type ClipCaseDraft,
  type ClipCaseParts,
} from './clipCase';
export { useCases } from './useCases';
export { thumbnailUrl } from './thumbnails';
