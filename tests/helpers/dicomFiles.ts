// DICOM files written by the tests themselves with dcmjs, from phantom frames, with patient tags filled in (so their absence downstream can be checked).

import dcmjs from 'dcmjs';
import dicomRle from 'dicom-rle';
import { deflateSync } from 'fflate';
import sharp from 'sharp';
import type { GreyImage, RgbaImage } from '../../src/core';
import { generateCine } from '../../src/synth';

/** Patient and study values a real export carries; none may ever appear in what the app keeps or shows. */
export const PATIENT_TAGS = {
  PatientName: 'Testperson^Ingrid^Maria',
  PatientID: 'MRN-4471-0938',
  PatientBirthDate: '19580217',
  PatientSex: 'F',
  OtherPatientIDs: 'NHS-943-476-5919',
  AccessionNumber: 'ACC-2026-55817',
  StudyDate: '20260314',
  StudyTime: '101530',
  InstitutionName: 'St Elsewhere Hospital',
  ReferringPhysicianName: 'Referrer^Robert',
  OperatorsName: 'Sonographer^Sally',
  StudyID: 'STUDY-7781',
  StudyDescription: 'Lung US for Ingrid Testperson',
} as const;

export type FixtureSyntax = 'implicit' | 'explicit' | 'deflated' | 'jpeg-baseline' | 'rle';
export type FixturePhotometric = 'MONOCHROME2' | 'RGB' | 'YBR_FULL' | 'YBR_FULL_422';

const SYNTAX_UID: Record<FixtureSyntax, string> = {
  implicit: '1.2.840.10008.1.2',
  explicit: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  'jpeg-baseline': '1.2.840.10008.1.2.4.50',
  rle: '1.2.840.10008.1.2.5',
};

export const US_IMAGE = '1.2.840.10008.5.1.4.1.1.6.1';
export const US_MULTIFRAME = '1.2.840.10008.5.1.4.1.1.3.1';

export interface DicomFixtureOptions {
  frames: RgbaImage[];
  syntax: FixtureSyntax;
  /** Overrides the transfer syntax UID written (for refused syntaxes); pixels stay as `syntax` writes them. */
  syntaxUid?: string;
  photometric?: FixturePhotometric;
  planar?: 0 | 1;
  frameTimeMs?: number;
  sopClass?: string;
  modality?: string;
  /** The B-mode region for the Sequence of Ultrasound Regions. */
  region?: { x0: number; y0: number; x1: number; y1: number };
  noPixelData?: boolean;
  technical?: { Manufacturer?: string; ManufacturerModelName?: string; TransducerData?: string };
}

/** BT.601 full-range RGB → YCbCr, as YBR_FULL stores it. */
function ybr(r: number, g: number, b: number): [number, number, number] {
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  return [
    clamp(0.299 * r + 0.587 * g + 0.114 * b),
    clamp(-0.168736 * r - 0.331264 * g + 0.5 * b + 128),
    clamp(0.5 * r - 0.418688 * g - 0.081312 * b + 128),
  ];
}

/** One frame's native pixel bytes in the given photometric interpretation and planar configuration. */
export function nativeFrame(image: RgbaImage, photometric: FixturePhotometric, planar: 0 | 1): Uint8Array {
  const n = image.width * image.height;
  const d = image.data;
  if (photometric === 'MONOCHROME2') {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = d[i * 4]!;
    return out;
  }
  if (photometric === 'YBR_FULL_422') {
    const out = new Uint8Array(n * 2);
    for (let p = 0; p < n / 2; p++) {
      const a = ybr(d[p * 8]!, d[p * 8 + 1]!, d[p * 8 + 2]!);
      const b = ybr(d[p * 8 + 4]!, d[p * 8 + 5]!, d[p * 8 + 6]!);
      out.set([a[0], b[0], Math.round((a[1] + b[1]) / 2), Math.round((a[2] + b[2]) / 2)], p * 4);
    }
    return out;
  }
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const px: [number, number, number] =
      photometric === 'RGB'
        ? [d[i * 4]!, d[i * 4 + 1]!, d[i * 4 + 2]!]
        : ybr(d[i * 4]!, d[i * 4 + 1]!, d[i * 4 + 2]!);
    for (let c = 0; c < 3; c++) out[planar === 1 ? c * n + i : i * 3 + c] = px[c]!;
  }
  return out;
}

const asBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;

/** Writes a DICOM Part 10 file with dcmjs; deflated files are written explicit and their data set deflated after. */
export async function writeUltrasoundDicom(o: DicomFixtureOptions): Promise<Uint8Array> {
  const first = o.frames[0]!;
  const photometric = o.photometric ?? 'MONOCHROME2';
  const planar = o.planar ?? 0;
  const samples = photometric === 'MONOCHROME2' ? 1 : 3;
  const multi = o.frames.length > 1;
  const sopClass = o.sopClass ?? (multi ? US_MULTIFRAME : US_IMAGE);
  const writtenUid = o.syntax === 'deflated' ? SYNTAX_UID.explicit : SYNTAX_UID[o.syntax];
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: '1.2.826.0.1.3680043.8.498.1001',
    TransferSyntaxUID: writtenUid,
    ImplementationClassUID: '1.2.826.0.1.3680043.8.498.1',
  };
  const dataset: Record<string, unknown> = {
    ...PATIENT_TAGS,
    SOPClassUID: sopClass,
    SOPInstanceUID: '1.2.826.0.1.3680043.8.498.1001',
    StudyInstanceUID: '1.2.826.0.1.3680043.8.498.2002',
    SeriesInstanceUID: '1.2.826.0.1.3680043.8.498.3003',
    Modality: o.modality ?? 'US',
    Manufacturer: o.technical?.Manufacturer ?? 'Phantom Medical',
    ManufacturerModelName: o.technical?.ManufacturerModelName ?? 'LUS-Synth 2',
    TransducerData: o.technical?.TransducerData ?? 'C5-1',
    Rows: first.height,
    Columns: first.width,
    SamplesPerPixel: samples,
    PhotometricInterpretation: photometric,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
  };
  if (samples === 3) dataset.PlanarConfiguration = o.syntax === 'rle' ? 0 : planar;
  if (multi) {
    dataset.NumberOfFrames = String(o.frames.length);
    dataset.FrameIncrementPointer = '00181063';
    dataset.FrameTime = String(o.frameTimeMs ?? 40);
  }
  if (o.region)
    dataset.SequenceOfUltrasoundRegions = [
      {
        RegionSpatialFormat: 1,
        RegionDataType: 1,
        RegionFlags: 0,
        RegionLocationMinX0: o.region.x0,
        RegionLocationMinY0: o.region.y0,
        RegionLocationMaxX1: o.region.x1,
        RegionLocationMaxY1: o.region.y1,
        PhysicalUnitsXDirection: 3,
        PhysicalUnitsYDirection: 3,
        PhysicalDeltaX: 0.025,
        PhysicalDeltaY: 0.025,
      },
    ];
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  if (!o.noPixelData) {
    const frames = await Promise.all(o.frames.map((f) => encodeFrame(f, o.syntax, photometric, planar)));
    dict.dict['7FE00010'] =
      o.syntax === 'jpeg-baseline' || o.syntax === 'rle'
        ? { vr: 'OB', Value: frames.map(asBuffer) }
        : { vr: o.syntax === 'implicit' ? 'OW' : 'OB', Value: [asBuffer(concat(frames))] };
  }
  let bytes: Uint8Array = new Uint8Array(dict.write({ fragmentMultiframe: false }));
  if (o.syntax === 'deflated') bytes = deflateDataSet(bytes);
  if (o.syntaxUid) bytes = replaceSyntaxUid(bytes, o.syntaxUid);
  return bytes;
}

async function encodeFrame(
  frame: RgbaImage,
  syntax: FixtureSyntax,
  photometric: FixturePhotometric,
  planar: 0 | 1,
): Promise<Uint8Array> {
  if (syntax === 'jpeg-baseline') {
    const grey = photometric === 'MONOCHROME2';
    const raw = nativeFrame(frame, grey ? 'MONOCHROME2' : 'RGB', 0);
    const jpeg = await sharp(Buffer.from(raw), {
      raw: { width: frame.width, height: frame.height, channels: grey ? 1 : 3 },
    })
      .jpeg({ quality: 92, progressive: false, mozjpeg: false })
      .toBuffer();
    return new Uint8Array(jpeg);
  }
  const native = nativeFrame(frame, photometric, syntax === 'rle' ? 0 : planar);
  if (syntax === 'rle')
    return new dicomRle.RleEncoder().encode(native, {
      width: frame.width,
      height: frame.height,
      bitsAllocated: 8,
      samplesPerPixel: photometric === 'MONOCHROME2' ? 1 : 3,
      planarConfiguration: 0,
    });
  return native;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** End of the file meta group: 128 preamble + "DICM" + the (0002,0000) element (12 bytes) + its value. */
function metaEnd(bytes: Uint8Array): number {
  return 144 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(140, true);
}

/** Deflated explicit VR little endian: the meta group as is, the data set after it raw-DEFLATEd. */
function deflateDataSet(bytes: Uint8Array): Uint8Array {
  const end = metaEnd(bytes);
  const meta = replaceSyntaxUid(bytes.subarray(0, end), SYNTAX_UID.deflated);
  return concat([meta, deflateSync(bytes.subarray(end))]);
}

/** Rewrites the meta header's transfer syntax UID (and the group length) without touching the data set. */
export function replaceSyntaxUid(bytes: Uint8Array, uid: string): Uint8Array {
  const end = metaEnd(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  let at = 144;
  while (at < end) {
    const group = view.getUint16(at, true);
    const element = view.getUint16(at + 2, true);
    const length = view.getUint16(at + 6, true);
    const vr = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!);
    const long = ['OB', 'OW', 'SQ', 'UN', 'UT', 'UC', 'UR'].includes(vr);
    const headerLength = long ? 12 : 8;
    const valueLength = long ? view.getUint32(at + 8, true) : length;
    if (group === 2 && element === 0x10) {
      const padded = uid.length % 2 ? `${uid}\0` : uid;
      const value = new TextEncoder().encode(padded);
      const element = new Uint8Array(8 + value.length);
      element.set(bytes.subarray(at, at + 6));
      new DataView(element.buffer).setUint16(6, value.length, true);
      element.set(value, 8);
      const out = concat([bytes.subarray(0, at), element, bytes.subarray(at + headerLength + valueLength)]);
      new DataView(out.buffer).setUint32(140, end - 144 + value.length - valueLength, true);
      return out;
    }
    at += headerLength + valueLength;
  }
  throw new Error('No transfer syntax in the meta header');
}

/** A few frames of phantom cine (grey, with a coloured logo so colour conversions are exercised). */
export function phantomCineFrames(options: {
  frames: number;
  width?: number;
  height?: number;
  seed?: number;
  colourMark?: boolean;
}): RgbaImage[] {
  const width = options.width ?? 160;
  const height = options.height ?? 120;
  const clip = generateCine({
    classId: 'b_lines',
    width,
    height,
    seed: options.seed ?? 7,
    seconds: options.frames / 10,
    fps: 10,
    overlays: false,
  });
  return clip.frames.slice(0, options.frames).map((grey) => toRgba(grey, options.colourMark ?? false));
}

function toRgba(grey: GreyImage, mark: boolean): RgbaImage {
  const data = new Uint8ClampedArray(grey.width * grey.height * 4);
  for (let i = 0; i < grey.data.length; i++) {
    const v = grey.data[i]!;
    data.set([v, v, v, 255], i * 4);
  }
  if (mark)
    // An orange vendor logo, top left: 12×8 pixels, even-aligned so 4:2:2 pairs are one colour.
    for (let y = 2; y < 10; y++)
      for (let x = 2; x < 14; x++) data.set([230, 120, 20, 255], (y * grey.width + x) * 4);
  return { width: grey.width, height: grey.height, data };
}

/** Node's image decoder for JPEG baseline frames (the app uses the browser's). */
export async function decodeJpegWithSharp(bytes: Uint8Array): Promise<RgbaImage> {
  const { data, info } = await sharp(Buffer.from(bytes))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
  };
}
