// DICOM mapping: each read transfer syntax and photometric gives the phantom's pixels, timing and region back; the refused ones are named; no patient value leaves.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PATIENT_TAGS,
  decodeJpegWithSharp,
  phantomCineFrames,
  writeUltrasoundDicom,
  type DicomFixtureOptions,
} from '../../../tests/helpers/dicomFiles';
import type { RgbaImage } from '../frame';
import { DicomProblem, dicomClip, isDicom, readDicom, type DicomCine } from '.';

let frames: RgbaImage[];
beforeAll(() => {
  frames = phantomCineFrames({ frames: 5, colourMark: true });
});

const write = (o: Partial<DicomFixtureOptions>) => writeUltrasoundDicom({ frames, syntax: 'explicit', ...o });
const read = (bytes: Uint8Array) => readDicom(bytes, { name: 'scan.dcm', decodeImage: decodeJpegWithSharp });

/** Mean and largest absolute difference over the RGB channels. */
function difference(a: RgbaImage, b: RgbaImage): { mean: number; max: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  let max = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (i % 4 === 3) {
      expect(a.data[i]).toBe(255);
      continue;
    }
    const d = Math.abs(a.data[i]! - b.data[i]!);
    sum += d;
    max = Math.max(max, d);
    n++;
  }
  return { mean: sum / n, max };
}

/** Every string, number and byte the parser hands out, as text, to search for patient values. */
async function everythingOut(cine: DicomCine): Promise<string> {
  const pixels: string[] = [];
  for (let i = 0; i < cine.frameCount; i++)
    pixels.push(Buffer.from((await cine.frame(i)).data).toString('latin1'));
  return JSON.stringify(cine) + Object.keys(cine).join(',') + pixels.join('');
}

function expectNoPatientValue(text: string) {
  for (const [tag, value] of Object.entries(PATIENT_TAGS)) {
    // One-letter values (sex "F") are everywhere in any text; every longer value and name part is searched.
    const parts = [value, ...value.split('^')].filter((p) => p.length > 3);
    for (const part of parts) expect(text.includes(part), `${tag} (${part}) leaked`).toBe(false);
  }
}

const grey = (image: RgbaImage) => ({
  ...image,
  data: image.data.map((v, i) => (i % 4 === 3 ? 255 : image.data[i - (i % 4)]!)),
});

describe('readDicom: transfer syntaxes and photometric interpretations that are read', () => {
  it.each([
    ['implicit', 'MONOCHROME2'],
    ['explicit', 'MONOCHROME2'],
    ['deflated', 'MONOCHROME2'],
    ['rle', 'MONOCHROME2'],
    ['explicit', 'RGB'],
    ['implicit', 'RGB'],
    ['rle', 'RGB'],
  ] as const)('%s, %s: every frame comes back exactly', async (syntax, photometric) => {
    const bytes = await write({ syntax, photometric });
    expect(isDicom(bytes)).toBe(true);
    const cine = read(bytes);
    expect(cine.storage).toBe('Ultrasound Multi-frame Image Storage');
    expect(cine.photometric).toBe(photometric);
    expect([cine.width, cine.height, cine.frameCount]).toEqual([160, 120, 5]);
    for (let i = 0; i < 5; i++) {
      const expected = photometric === 'MONOCHROME2' ? grey(frames[i]!) : frames[i]!;
      expect(difference(await cine.frame(i), expected)).toEqual({ mean: 0, max: 0 });
    }
    expectNoPatientValue(await everythingOut(cine));
  });

  it('names the transfer syntax it read', async () => {
    expect(read(await write({ syntax: 'implicit' })).transferSyntax).toBe('implicit VR little endian');
    expect(read(await write({ syntax: 'deflated' })).transferSyntax).toBe(
      'deflated explicit VR little endian',
    );
    expect(read(await write({ syntax: 'rle' })).transferSyntax).toBe('RLE lossless');
  });

  it('reads RGB stored colour-by-plane (planar configuration 1)', async () => {
    const cine = read(await write({ photometric: 'RGB', planar: 1 }));
    expect(difference(await cine.frame(3), frames[3]!)).toEqual({ mean: 0, max: 0 });
  });

  it.each([0, 1] as const)('converts YBR_FULL (planar %s) to RGB within rounding', async (planar) => {
    const cine = read(await write({ photometric: 'YBR_FULL', planar }));
    const d = difference(await cine.frame(2), frames[2]!);
    expect(d.max).toBeLessThanOrEqual(2);
  });

  it('converts YBR_FULL_422 (two pixels share their colour) to RGB, the logo still orange', async () => {
    const cine = read(await write({ photometric: 'YBR_FULL_422' }));
    const out = await cine.frame(1);
    expect(difference(out, frames[1]!).mean).toBeLessThan(1);
    const logo = (5 * 160 + 6) * 4;
    expect(Math.abs(out.data[logo]! - 230)).toBeLessThanOrEqual(2);
    expect(Math.abs(out.data[logo + 1]! - 120)).toBeLessThanOrEqual(2);
    expect(Math.abs(out.data[logo + 2]! - 20)).toBeLessThanOrEqual(2);
  });

  it.each(['MONOCHROME2', 'YBR_FULL_422'] as const)(
    'hands JPEG baseline (%s) frames to the image decoder',
    async (photometric) => {
      const bytes = await write({ syntax: 'jpeg-baseline', photometric });
      const cine = read(bytes);
      expect(cine.transferSyntax).toBe('JPEG baseline');
      const expected = photometric === 'MONOCHROME2' ? grey(frames[4]!) : frames[4]!;
      const d = difference(await cine.frame(4), expected);
      // JPEG is lossy: close on average, not exact.
      expect(d.mean).toBeLessThan(4);
      expect(d.mean).toBeGreaterThan(0);
      expectNoPatientValue(await everythingOut(cine));
    },
  );

  it('reads a single-frame Ultrasound Image Storage file as one frame', async () => {
    const cine = read(await writeUltrasoundDicom({ frames: [frames[0]!], syntax: 'explicit' }));
    expect(cine.storage).toBe('Ultrasound Image Storage');
    expect(cine.frameCount).toBe(1);
    expect(cine.timesMs).toEqual([0]);
  });
});

describe('readDicom: timing, region and the technical allow-list', () => {
  it('takes frame times from Frame Time and the frame rate from them', async () => {
    const cine = read(await write({ frameTimeMs: 33.3333 }));
    expect(cine.frameRate).toBeCloseTo(30, 2);
    expect(cine.timesMs[4]).toBeCloseTo(133.33, 1);
    expect(cine.technical.frameRate).toBeCloseTo(30, 2);
  });

  it('gives the 2D tissue region of the Sequence of Ultrasound Regions as the scan region, with its calibration', async () => {
    const cine = read(await write({ region: { x0: 20, y0: 10, x1: 139, y1: 109 } }));
    expect(cine.scanRegion).toEqual({ x: 20, y: 10, width: 120, height: 100 });
    expect(cine.technical.regions).toEqual([
      {
        rect: { x: 20, y: 10, width: 120, height: 100 },
        spatialFormat: 1,
        dataType: 1,
        physicalUnitsX: 3,
        physicalUnitsY: 3,
        physicalDeltaX: 0.025,
        physicalDeltaY: 0.025,
      },
    ]);
    expect(read(await write({})).scanRegion).toBeNull();
  });

  it('lets only modality, manufacturer, model, transducer, frame rate and regions out, and no patient value anywhere', async () => {
    for (const syntax of ['implicit', 'explicit', 'deflated', 'rle', 'jpeg-baseline'] as const) {
      const cine = read(await write({ syntax, region: { x0: 20, y0: 10, x1: 139, y1: 109 } }));
      expect(Object.keys(cine.technical).sort()).toEqual([
        'frameRate',
        'manufacturer',
        'modality',
        'model',
        'regions',
        'transducer',
      ]);
      expect(cine.technical).toMatchObject({
        modality: 'US',
        manufacturer: 'Phantom Medical',
        model: 'LUS-Synth 2',
        transducer: 'C5-1',
      });
      expect(Object.keys(cine).sort()).toEqual([
        'durationMs',
        'frame',
        'frameCount',
        'frameRate',
        'height',
        'photometric',
        'scanRegion',
        'storage',
        'technical',
        'timesMs',
        'transferSyntax',
        'width',
      ]);
      expectNoPatientValue(await everythingOut(cine));
    }
  });

  it('makes a clip of the sampled frames, with times, source and sampling', async () => {
    const clip = await dicomClip(read(await write({ frameTimeMs: 50 })), 'scan.dcm', 3);
    expect(clip.frames.map((f) => f.index)).toEqual([0, 2, 4]);
    expect(clip.frames.map((f) => f.timeMs)).toEqual([0, 100, 200]);
    expect(clip.sampling).toEqual({ framesInClip: 5, framesSampled: 3, everyFrame: false, limit: 3 });
    expect(clip.frameRate).toBe(20);
    expect(clip.source).toEqual({
      kind: 'dicom',
      name: 'scan.dcm',
      format: 'DICOM Ultrasound Multi-frame Image Storage (explicit VR little endian, MONOCHROME2)',
    });
    expectNoPatientValue(JSON.stringify(clip.source) + JSON.stringify(clip.sampling));
  });
});

describe('readDicom: what is refused, by name, never a crash', () => {
  const refusal = async (bytes: Uint8Array | Promise<Uint8Array>): Promise<DicomProblem> => {
    const b = await bytes;
    try {
      const cine = read(b);
      await cine.frame(0);
    } catch (error) {
      expect(error).toBeInstanceOf(DicomProblem);
      return error as DicomProblem;
    }
    throw new Error('was not refused');
  };

  it.each([
    ['1.2.840.10008.1.2.4.90', 'JPEG 2000 DICOM is not supported yet: export as JPEG baseline or MP4.'],
    ['1.2.840.10008.1.2.4.91', 'JPEG 2000 DICOM is not supported yet: export as JPEG baseline or MP4.'],
    ['1.2.840.10008.1.2.4.80', 'JPEG-LS DICOM is not supported yet: export as JPEG baseline or MP4.'],
    ['1.2.840.10008.1.2.4.70', 'JPEG lossless DICOM is not supported yet: export as JPEG baseline or MP4.'],
    [
      '1.2.840.10008.1.2.4.102',
      'MPEG-4 (H.264) video DICOM is not supported yet: export as JPEG baseline or MP4.',
    ],
    [
      '1.2.840.10008.1.2.2',
      'Explicit VR big endian DICOM is not supported yet: export as JPEG baseline or MP4.',
    ],
  ])('transfer syntax %s', async (uid, message) => {
    const problem = await refusal(write({ syntax: 'rle', syntaxUid: uid }));
    expect(problem.code).toBe('unsupported-transfer-syntax');
    expect(problem.message).toBe(message);
  });

  it('a structured report, another modality, a DICOMDIR, a secondary capture', async () => {
    const sr = await refusal(
      write({ sopClass: '1.2.840.10008.5.1.4.1.1.88.33', noPixelData: true, modality: 'SR' }),
    );
    expect(sr.code).toBe('structured-report');
    expect(sr.message).toMatch(/structured report \(measurements and text, no images\)/);
    const ct = await refusal(write({ sopClass: '1.2.840.10008.5.1.4.1.1.2', modality: 'CT' }));
    expect(ct.code).toBe('other-modality');
    expect(ct.message).toBe('scan.dcm is a CT image, not ultrasound: only lung-ultrasound DICOM is read.');
    const dir = await refusal(write({ sopClass: '1.2.840.10008.1.3.10', noPixelData: true }));
    expect(dir.code).toBe('dicomdir');
    expect(dir.message).toMatch(/DICOMDIR/);
    const sc = await refusal(write({ sopClass: '1.2.840.10008.5.1.4.1.1.7' }));
    expect(sc.code).toBe('unsupported-storage');
    expect(sc.message).toMatch(/secondary capture/);
  });

  it('a file with no pixel data', async () => {
    const problem = await refusal(write({ noPixelData: true }));
    expect(problem.code).toBe('no-pixel-data');
    expect(problem.message).toBe(
      'scan.dcm has no image in it (no pixel data): export the images, not only the report.',
    );
  });

  it.each(['explicit', 'implicit', 'deflated', 'rle', 'jpeg-baseline'] as const)(
    'a %s file cut short',
    async (syntax) => {
      const whole = await write({ syntax });
      for (const keep of [0.5, 0.9, 0.99]) {
        const problem = await refusal(whole.subarray(0, Math.floor(whole.length * keep)));
        expect(problem.code).toMatch(/truncated|damaged-frame/);
        expect(problem.message).toMatch(/truncated|damaged|could not be decoded/);
      }
      const head = await refusal(whole.subarray(0, 200));
      expect(head.message).toMatch(/truncated|damaged/);
    },
  );

  it('not DICOM at all, or empty', async () => {
    expect((await refusal(new Uint8Array(300))).code).toBe('not-dicom');
    expect((await refusal(new Uint8Array(0))).message).toBe('scan.dcm is empty (0 bytes).');
  });
});
