// The DICOM tags this app reads, the transfer syntaxes and storage classes it knows by name, and which it reads.

/** Tags in dicom-parser's spelling ("x" + group + element, lower case). */
export const TAG = {
  mediaStorageSopClass: 'x00020002',
  transferSyntax: 'x00020010',
  sopClass: 'x00080016',
  modality: 'x00080060',
  manufacturer: 'x00080070',
  modelName: 'x00081090',
  recommendedDisplayFrameRate: 'x00082144',
  cineRate: 'x00180040',
  frameTime: 'x00181063',
  frameTimeVector: 'x00181065',
  transducerData: 'x00185010',
  transducerType: 'x00186031',
  regions: 'x00186011',
  regionSpatialFormat: 'x00186012',
  regionDataType: 'x00186014',
  regionMinX0: 'x00186018',
  regionMinY0: 'x0018601a',
  regionMaxX1: 'x0018601c',
  regionMaxY1: 'x0018601e',
  physicalUnitsX: 'x00186024',
  physicalUnitsY: 'x00186026',
  physicalDeltaX: 'x0018602c',
  physicalDeltaY: 'x0018602e',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  numberOfFrames: 'x00280008',
  planarConfiguration: 'x00280006',
  rows: 'x00280010',
  columns: 'x00280011',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  pixelRepresentation: 'x00280103',
  pixelData: 'x7fe00010',
  directoryRecords: 'x00041220',
} as const;

export const TRANSFER_SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  rle: '1.2.840.10008.1.2.5',
} as const;

export type ReadTransferSyntax = 'implicit' | 'explicit' | 'deflated' | 'jpeg-baseline' | 'rle';

/** The transfer syntaxes that are read, and how their pixels are stored. */
export const READ_SYNTAXES: Record<string, { kind: ReadTransferSyntax; name: string }> = {
  [TRANSFER_SYNTAX.implicitLittle]: { kind: 'implicit', name: 'implicit VR little endian' },
  [TRANSFER_SYNTAX.explicitLittle]: { kind: 'explicit', name: 'explicit VR little endian' },
  [TRANSFER_SYNTAX.deflated]: { kind: 'deflated', name: 'deflated explicit VR little endian' },
  [TRANSFER_SYNTAX.jpegBaseline]: { kind: 'jpeg-baseline', name: 'JPEG baseline' },
  [TRANSFER_SYNTAX.rle]: { kind: 'rle', name: 'RLE lossless' },
};

/** Transfer syntaxes refused by name: how each is called where a reader would look it up. */
export function refusedSyntaxName(uid: string): string {
  if (uid === TRANSFER_SYNTAX.explicitBig) return 'Explicit VR big endian';
  if (uid === '1.2.840.10008.1.2.4.51') return 'JPEG extended (12-bit)';
  if (['1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70'].includes(uid)) return 'JPEG lossless';
  if (['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81'].includes(uid)) return 'JPEG-LS';
  if (
    [
      '1.2.840.10008.1.2.4.90',
      '1.2.840.10008.1.2.4.91',
      '1.2.840.10008.1.2.4.92',
      '1.2.840.10008.1.2.4.93',
    ].includes(uid)
  )
    return 'JPEG 2000';
  if (['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203'].includes(uid))
    return 'High-throughput JPEG 2000';
  if (['1.2.840.10008.1.2.4.100', '1.2.840.10008.1.2.4.101'].includes(uid)) return 'MPEG-2 video';
  if (/^1\.2\.840\.10008\.1\.2\.4\.10[2-6]$/.test(uid)) return 'MPEG-4 (H.264) video';
  if (['1.2.840.10008.1.2.4.107', '1.2.840.10008.1.2.4.108'].includes(uid)) return 'HEVC (H.265) video';
  return `Transfer syntax ${uid}`;
}

export const SOP_CLASS = {
  ultrasound: '1.2.840.10008.5.1.4.1.1.6.1',
  ultrasoundMultiFrame: '1.2.840.10008.5.1.4.1.1.3.1',
  ultrasoundRetired: '1.2.840.10008.5.1.4.1.1.6',
  ultrasoundMultiFrameRetired: '1.2.840.10008.5.1.4.1.1.3',
  directory: '1.2.840.10008.1.3.10',
} as const;

/** The storage classes read: ultrasound stills and cine (the retired 1990s UIDs are the same objects). */
export const READ_STORAGE: Record<string, string> = {
  [SOP_CLASS.ultrasound]: 'Ultrasound Image Storage',
  [SOP_CLASS.ultrasoundRetired]: 'Ultrasound Image Storage',
  [SOP_CLASS.ultrasoundMultiFrame]: 'Ultrasound Multi-frame Image Storage',
  [SOP_CLASS.ultrasoundMultiFrameRetired]: 'Ultrasound Multi-frame Image Storage',
};

/** A name for storage classes that are refused, so the message says what the file holds. */
export function refusedStorageName(uid: string): string {
  if (uid.startsWith('1.2.840.10008.5.1.4.1.1.88.')) return 'a structured report';
  if (uid === '1.2.840.10008.5.1.4.1.1.7' || uid.startsWith('1.2.840.10008.5.1.4.1.1.7.'))
    return 'a secondary capture (a screenshot stored as DICOM)';
  if (uid === '1.2.840.10008.5.1.4.1.1.104.1') return 'an encapsulated PDF';
  if (uid.startsWith('1.2.840.10008.5.1.4.1.1.9.')) return 'a waveform (ECG or similar)';
  if (uid === '1.2.840.10008.5.1.4.1.1.77.1.4.1' || uid === '1.2.840.10008.5.1.4.1.1.77.1.4')
    return 'an ophthalmic or photographic image';
  return `a DICOM object of class ${uid}`;
}

/** Modality codes a reader may meet, in words. */
export const MODALITY_NAMES: Record<string, string> = {
  CT: 'a CT image',
  MR: 'an MR image',
  CR: 'an X-ray (CR)',
  DX: 'an X-ray (DX)',
  MG: 'a mammogram',
  XA: 'an angiogram',
  NM: 'a nuclear-medicine image',
  PT: 'a PET image',
  OT: 'an image of another kind (OT)',
  SR: 'a structured report',
  ECG: 'an ECG',
  IVUS: 'an intravascular ultrasound',
};
