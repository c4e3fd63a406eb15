// DICOM files the app cannot read, named: each refusal says what the file is and what to export instead.

export type DicomProblemCode =
  | 'not-dicom'
  | 'truncated'
  | 'unsupported-transfer-syntax'
  | 'unsupported-storage'
  | 'other-modality'
  | 'dicomdir'
  | 'structured-report'
  | 'no-pixel-data'
  | 'unsupported-pixels'
  | 'damaged-frame';

export class DicomProblem extends Error {
  constructor(
    readonly code: DicomProblemCode,
    message: string,
  ) {
    super(message);
    this.name = 'DicomProblem';
  }
}

/** What to do instead, said once so every refusal ends the same way. */
export const EXPORT_INSTEAD = 'export as JPEG baseline or MP4';
