// Public surface of the DICOM core: read an ultrasound DICOM file into frames, timing, scan region and technical tags; refuse the rest by name.
export { DicomProblem, EXPORT_INSTEAD, type DicomProblemCode } from './dicomProblem';
export {
  isDicom,
  readDicom,
  scanRegionOf,
  type DicomCine,
  type DicomTechnicalTags,
  type EncodedImageDecoder,
  type UltrasoundRegion,
} from './readDicom';
export { dicomClip } from './dicomClip';
export { READ_STORAGE, READ_SYNTAXES, TRANSFER_SYNTAX, SOP_CLASS } from './dicomTags';
