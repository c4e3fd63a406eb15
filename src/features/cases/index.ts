// Public surface of the cases feature: the library screen, the save panel, the case view and the storage banner.
import './cases.css';
export { CasesScreen } from './CasesScreen';
export { SaveCasePanel } from './SaveCasePanel';
export { CaseDetail } from './CaseDetail';
export { StorageBanner } from './StorageBanner';
export { useCases } from './useCases';
export { useObjectUrl } from './useObjectUrl';
export { thumbnailUrl } from './thumbnails';
export { CaseScopeFields } from './CaseScopeFields';
export {
  ANY_SCOPE,
  examsOf,
  inScope,
  modelKeyName,
  modelKeysOf,
  zonesOf,
  type CaseScope,
} from './caseFilters';
export { downloadFile, todayStamp } from './download';
export { prepareCaseImages, type CaseImages } from './caseImage';
