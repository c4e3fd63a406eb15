// Reads an ultrasound DICOM file (single- or multi-frame) with dicom-parser into frames, timing, the scan region and a short technical allow-list; nothing else of its header leaves.

import dicomParser, { type DataSet, type Element } from 'dicom-parser';
// Default imports: both are CommonJS bundles, and only the default import works alike in Vite, Vitest and Node.
import dicomRle from 'dicom-rle';
import { inflateSync } from 'fflate';
import type { Rect, RgbaImage } from '../frame';
import { frameTimesFrom } from '../clip';
import { DicomProblem, EXPORT_INSTEAD } from './dicomProblem';
import {
  MODALITY_NAMES,
  READ_STORAGE,
  READ_SYNTAXES,
  SOP_CLASS,
  TAG,
  TRANSFER_SYNTAX,
  refusedStorageName,
  refusedSyntaxName,
  type ReadTransferSyntax,
} from './dicomTags';

/** Decodes one encoded image (a JPEG baseline frame) into RGBA: createImageBitmap in a browser, sharp in Node. */
export type EncodedImageDecoder = (bytes: Uint8Array, mimeType: 'image/jpeg') => Promise<RgbaImage>;

/** One region of the Sequence of Ultrasound Regions (0018,6011): where an image lies and its calibration. */
export interface UltrasoundRegion {
  rect: Rect;
  /** 1 = 2D (B-mode), 2 = M-mode, 3 = spectral, ... (Region Spatial Format). */
  spatialFormat: number | null;
  /** 1 = tissue, 2 = colour flow, ... (Region Data Type). */
  dataType: number | null;
  /** Physical units code per pixel along x and y (3 = cm), and the size of one pixel in them. */
  physicalUnitsX: number | null;
  physicalUnitsY: number | null;
  physicalDeltaX: number | null;
  physicalDeltaY: number | null;
}

/**
 * The only header data that leaves the parser: what the scanner was and how its image is laid out. No
 * names, identifiers, dates, accession numbers, institutions or free text; every other tag stays inside.
 */
export interface DicomTechnicalTags {
  modality: string | null;
  manufacturer: string | null;
  model: string | null;
  transducer: string | null;
  frameRate: number | null;
  regions: UltrasoundRegion[];
}

export interface DicomCine {
  storage: string;
  transferSyntax: string;
  photometric: string;
  width: number;
  height: number;
  frameCount: number;
  /** Start of each frame from the first, milliseconds. */
  timesMs: number[];
  frameRate: number | null;
  durationMs: number;
  technical: DicomTechnicalTags;
  /** The 2D tissue region from the Sequence of Ultrasound Regions, when the file has one. */
  scanRegion: Rect | null;
  /** Decodes one frame (0-based) to RGBA; only sampled frames need ever be decoded. */
  frame(index: number): Promise<RgbaImage>;
}

const PHOTOMETRIC_READ = ['MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422'] as const;
type Photometric = (typeof PHOTOMETRIC_READ)[number];

/** True when the bytes carry the DICOM Part 10 preamble ("DICM" at offset 128). */
export function isDicom(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

/** dicom-parser throws strings or { exception } objects; this keeps only the words. */
function parserMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && 'exception' in error)
    return String((error as { exception: unknown }).exception);
  return error instanceof Error ? error.message : String(error);
}

const clean = (s: string | undefined): string | null => {
  const t = s?.replace(/\0/g, '').trim();
  return t ? t : null;
};

function parse(bytes: Uint8Array, name: string): DataSet {
  try {
    return dicomParser.parseDicom(bytes, {
      // Deflated files: the data set after the meta header is raw DEFLATE; fflate inflates it everywhere.
      inflater: (all: Uint8Array, position: number) => {
        const inflated = inflateSync(all.subarray(position));
        const full = new Uint8Array(position + inflated.length);
        full.set(all.subarray(0, position), 0);
        full.set(inflated, position);
        return full;
      },
    } as Parameters<typeof dicomParser.parseDicom>[1]);
  } catch (error) {
    const message = parserMessage(error);
    if (/DICM prefix not found/.test(message))
      throw new DicomProblem('not-dicom', `${name} is not a DICOM file (no DICM marker at byte 128).`);
    if (
      /invalid|unexpected EOF|incorrect header|unexpected end/i.test(message) &&
      /inflat|deflat/i.test(message)
    )
      throw new DicomProblem('truncated', `${name} is damaged: its deflated DICOM data cannot be inflated.`);
    throw new DicomProblem(
      'truncated',
      `${name} is truncated or damaged: its DICOM data ends early or cannot be read.`,
    );
  }
}

function metaHeader(bytes: Uint8Array, name: string): DataSet {
  try {
    return dicomParser.readPart10Header(bytes);
  } catch {
    throw new DicomProblem('truncated', `${name} is truncated or damaged: its DICOM header cannot be read.`);
  }
}

function regionsOf(ds: DataSet): UltrasoundRegion[] {
  const items = ds.elements[TAG.regions]?.items ?? [];
  const out: UltrasoundRegion[] = [];
  for (const item of items) {
    const r = item.dataSet;
    if (!r) continue;
    const x0 = r.uint32(TAG.regionMinX0);
    const y0 = r.uint32(TAG.regionMinY0);
    const x1 = r.uint32(TAG.regionMaxX1);
    const y1 = r.uint32(TAG.regionMaxY1);
    if (x0 === undefined || y0 === undefined || x1 === undefined || y1 === undefined || x1 < x0 || y1 < y0)
      continue;
    out.push({
      rect: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 },
      spatialFormat: r.uint16(TAG.regionSpatialFormat) ?? null,
      dataType: r.uint16(TAG.regionDataType) ?? null,
      physicalUnitsX: r.uint16(TAG.physicalUnitsX) ?? null,
      physicalUnitsY: r.uint16(TAG.physicalUnitsY) ?? null,
      physicalDeltaX: r.double(TAG.physicalDeltaX) ?? null,
      physicalDeltaY: r.double(TAG.physicalDeltaY) ?? null,
    });
  }
  return out;
}

/** The B-mode image: the largest 2D tissue region, else the largest 2D one; clipped to the frame. */
export function scanRegionOf(
  regions: readonly UltrasoundRegion[],
  width: number,
  height: number,
): Rect | null {
  const area = (r: UltrasoundRegion) => r.rect.width * r.rect.height;
  const twoD = regions.filter((r) => r.spatialFormat === 1);
  const tissue = twoD.filter((r) => r.dataType === 1);
  const best = [...(tissue.length ? tissue : twoD)].sort((a, b) => area(b) - area(a))[0];
  if (!best) return null;
  const x = Math.max(0, Math.min(width - 1, best.rect.x));
  const y = Math.max(0, Math.min(height - 1, best.rect.y));
  const rect = {
    x,
    y,
    width: Math.min(width - x, best.rect.width),
    height: Math.min(height - y, best.rect.height),
  };
  return rect.width >= 8 && rect.height >= 8 ? rect : null;
}

function numberList(ds: DataSet, tag: string): number[] | undefined {
  const n = ds.numStringValues(tag);
  if (!n) return undefined;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(ds.floatString(tag, i) ?? NaN);
  return out;
}

/** Reads the header and checks the file is an ultrasound image this app can decode; refuses anything else by name. */
export function readDicom(
  bytes: Uint8Array,
  options: { name?: string; decodeImage?: EncodedImageDecoder } = {},
): DicomCine {
  const name = options.name ?? 'The file';
  if (bytes.length === 0) throw new DicomProblem('truncated', `${name} is empty (0 bytes).`);
  if (!isDicom(bytes))
    throw new DicomProblem('not-dicom', `${name} is not a DICOM file (no DICM marker at byte 128).`);
  // The meta header alone first: a refused transfer syntax (big endian) must not be parsed as if it were read.
  const syntaxUid =
    clean(metaHeader(bytes, name).string(TAG.transferSyntax)) ?? TRANSFER_SYNTAX.implicitLittle;
  const syntax = READ_SYNTAXES[syntaxUid];
  if (!syntax)
    throw new DicomProblem(
      'unsupported-transfer-syntax',
      `${refusedSyntaxName(syntaxUid)} DICOM is not supported yet: ${EXPORT_INSTEAD}.`,
    );
  const ds = parse(bytes, name);

  const sopClass = clean(ds.string(TAG.sopClass)) ?? clean(ds.string(TAG.mediaStorageSopClass)) ?? '';
  const modality = clean(ds.string(TAG.modality));

  if (sopClass === SOP_CLASS.directory || ds.elements[TAG.directoryRecords])
    throw new DicomProblem(
      'dicomdir',
      `${name} is a DICOMDIR (the index of a DICOM disc or folder, with no images in it): choose the image files it lists instead.`,
    );
  if (sopClass.startsWith('1.2.840.10008.5.1.4.1.1.88.') || modality === 'SR')
    throw new DicomProblem(
      'structured-report',
      `${name} is a DICOM structured report (measurements and text, no images): it cannot be read as a frame.`,
    );
  if (modality && modality !== 'US')
    throw new DicomProblem(
      'other-modality',
      `${name} is ${MODALITY_NAMES[modality] ?? `a ${modality} image`}, not ultrasound: only lung-ultrasound DICOM is read.`,
    );
  const storage = READ_STORAGE[sopClass];
  if (!storage)
    throw new DicomProblem(
      'unsupported-storage',
      `${name} is ${refusedStorageName(sopClass)}, not an ultrasound image: only Ultrasound Image Storage and Ultrasound Multi-frame Image Storage are read.`,
    );

  const pixelElement = ds.elements[TAG.pixelData];
  if (!pixelElement)
    throw new DicomProblem(
      'no-pixel-data',
      `${name} has no image in it (no pixel data): export the images, not only the report.`,
    );

  const width = ds.uint16(TAG.columns) ?? 0;
  const height = ds.uint16(TAG.rows) ?? 0;
  const samples = ds.uint16(TAG.samplesPerPixel) ?? 1;
  const bitsAllocated = ds.uint16(TAG.bitsAllocated) ?? 8;
  const planar = ds.uint16(TAG.planarConfiguration) ?? 0;
  const photometric = clean(ds.string(TAG.photometric)) ?? (samples === 3 ? 'RGB' : 'MONOCHROME2');
  const frameCount = Math.max(1, ds.intString(TAG.numberOfFrames) ?? 1);
  if (!width || !height)
    throw new DicomProblem(
      'unsupported-pixels',
      `${name} gives no image size (rows and columns are missing).`,
    );
  if (!(PHOTOMETRIC_READ as readonly string[]).includes(photometric))
    throw new DicomProblem(
      'unsupported-pixels',
      `${photometric} DICOM images are not supported yet (only MONOCHROME2, RGB, YBR_FULL and YBR_FULL_422): ${EXPORT_INSTEAD}.`,
    );
  if (bitsAllocated !== 8)
    throw new DicomProblem(
      'unsupported-pixels',
      `${bitsAllocated}-bit DICOM images are not supported yet (only 8-bit, as scanners export): ${EXPORT_INSTEAD}.`,
    );
  if ((photometric === 'MONOCHROME2') !== (samples === 1))
    throw new DicomProblem(
      'unsupported-pixels',
      `${name} is damaged: ${photometric} with ${samples} samples per pixel is not a valid image.`,
    );

  const encapsulated = syntax.kind === 'jpeg-baseline' || syntax.kind === 'rle';
  if (encapsulated !== !!pixelElement.encapsulatedPixelData)
    throw new DicomProblem(
      'truncated',
      `${name} is damaged: its pixel data does not match its ${syntax.name} transfer syntax.`,
    );
  const nativeFrameBytes = width * height * (photometric === 'YBR_FULL_422' ? 2 : samples);
  if (!encapsulated && pixelElement.dataOffset + nativeFrameBytes * frameCount > ds.byteArray.length)
    throw new DicomProblem(
      'truncated',
      `${name} is truncated: it says ${frameCount} frame${frameCount === 1 ? '' : 's'} of ${width}×${height} but the pixel data stops early.`,
    );
  if (encapsulated && (!pixelElement.fragments?.length || fragmentsEnd(pixelElement) > ds.byteArray.length))
    throw new DicomProblem('truncated', `${name} is truncated: its compressed frames stop early.`);

  const timing = frameTimesFrom(frameCount, {
    frameTimeVectorMs: numberList(ds, TAG.frameTimeVector),
    frameTimeMs: ds.floatString(TAG.frameTime),
    frameRate: ds.intString(TAG.cineRate) ?? ds.intString(TAG.recommendedDisplayFrameRate) ?? null,
  });
  const regions = regionsOf(ds);
  const transducer = [clean(ds.string(TAG.transducerData)), clean(ds.string(TAG.transducerType))]
    .filter(Boolean)
    .join(' · ');
  const technical: DicomTechnicalTags = {
    modality,
    manufacturer: clean(ds.string(TAG.manufacturer)),
    model: clean(ds.string(TAG.modelName)),
    transducer: transducer || null,
    frameRate: timing.frameRate,
    regions,
  };

  const layout = { width, height, samples, planar, photometric: photometric as Photometric };
  const frame = async (index: number): Promise<RgbaImage> => {
    if (!Number.isInteger(index) || index < 0 || index >= frameCount)
      throw new RangeError(`No frame ${index} in a clip of ${frameCount}.`);
    try {
      if (!encapsulated) {
        const start = pixelElement.dataOffset + index * nativeFrameBytes;
        return toRgba(ds.byteArray.subarray(start, start + nativeFrameBytes), layout);
      }
      const encoded = encapsulatedFrame(ds, pixelElement, index, frameCount, syntax.kind);
      if (syntax.kind === 'rle') return toRgba(decodeRle(encoded, layout), { ...layout, planar: 0 });
      if (!options.decodeImage)
        throw new DicomProblem('damaged-frame', 'No JPEG decoder was given for this JPEG baseline DICOM.');
      const image = await options.decodeImage(encoded, 'image/jpeg');
      if (image.width !== width || image.height !== height)
        throw new DicomProblem(
          'damaged-frame',
          `frame ${index + 1} is ${image.width}×${image.height}, not the ${width}×${height} the header says`,
        );
      return image;
    } catch (error) {
      const why = error instanceof DicomProblem ? error.message : parserMessage(error);
      throw new DicomProblem(
        'damaged-frame',
        `Frame ${index + 1} of ${name} could not be decoded (${why.replace(/\.$/, '')}).`,
      );
    }
  };

  return {
    storage,
    transferSyntax: syntax.name,
    photometric,
    width,
    height,
    frameCount,
    timesMs: timing.timesMs,
    frameRate: timing.frameRate,
    durationMs: timing.durationMs,
    technical,
    scanRegion: scanRegionOf(regions, width, height),
    frame,
  };
}

function fragmentsEnd(element: Element): number {
  const last = element.fragments!.at(-1)!;
  return last.position + last.length;
}

function encapsulatedFrame(
  ds: DataSet,
  element: Element,
  index: number,
  frameCount: number,
  kind: ReadTransferSyntax,
): Uint8Array {
  const fragments = element.fragments!;
  if (element.basicOffsetTable?.length) return dicomParser.readEncapsulatedImageFrame(ds, element, index);
  if (frameCount === 1)
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, 0, fragments.length);
  if (fragments.length === frameCount)
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, index, 1);
  if (kind === 'jpeg-baseline') {
    const table = dicomParser.createJPEGBasicOffsetTable(ds, element);
    return dicomParser.readEncapsulatedImageFrame(ds, element, index, table);
  }
  throw new DicomProblem('damaged-frame', 'its compressed frames cannot be told apart (no offset table)');
}

interface Layout {
  width: number;
  height: number;
  samples: number;
  planar: number;
  photometric: Photometric;
}

function decodeRle(encoded: Uint8Array, layout: Layout): Uint8Array {
  // RleDecoder reads from offset 0 of the buffer it is given, so it gets a copy of its own.
  const own = encoded.slice();
  const decoded = new dicomRle.RleDecoder().decode(own, {
    width: layout.width,
    height: layout.height,
    bitsAllocated: 8,
    samplesPerPixel: layout.samples,
    planarConfiguration: 0,
  });
  return decoded.subarray(0, layout.width * layout.height * layout.samples);
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Native pixels to RGBA: grey replicated, RGB as is, YBR (full range, ITU-R BT.601) converted; planar or interleaved. */
export function toRgba(src: Uint8Array, layout: Layout): RgbaImage {
  const { width, height, samples, planar, photometric } = layout;
  const n = width * height;
  const out = new Uint8ClampedArray(n * 4);
  if (photometric === 'MONOCHROME2') {
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      out[i * 4] = v;
      out[i * 4 + 1] = v;
      out[i * 4 + 2] = v;
      out[i * 4 + 3] = 255;
    }
    return { width, height, data: out };
  }
  const put = (i: number, a: number, b: number, c: number) => {
    if (photometric === 'RGB') {
      out[i * 4] = a;
      out[i * 4 + 1] = b;
      out[i * 4 + 2] = c;
    } else {
      out[i * 4] = clamp(a + 1.402 * (c - 128));
      out[i * 4 + 1] = clamp(a - 0.344136 * (b - 128) - 0.714136 * (c - 128));
      out[i * 4 + 2] = clamp(a + 1.772 * (b - 128));
    }
    out[i * 4 + 3] = 255;
  };
  if (photometric === 'YBR_FULL_422') {
    // Two pixels share one Cb and Cr: Y1 Y2 Cb Cr for each pair along a row.
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const pair = (y * width + x) >> 1;
        const base = pair * 4;
        const yv = src[base + ((y * width + x) & 1)]!;
        put(y * width + x, yv, src[base + 2]!, src[base + 3]!);
      }
    }
    return { width, height, data: out };
  }
  if (samples !== 3)
    throw new DicomProblem('unsupported-pixels', `${photometric} needs 3 samples per pixel, not ${samples}`);
  for (let i = 0; i < n; i++) {
    if (planar === 1) put(i, src[i]!, src[n + i]!, src[2 * n + i]!);
    else put(i, src[i * 3]!, src[i * 3 + 1]!, src[i * 3 + 2]!);
  }
  return { width, height, data: out };
}
