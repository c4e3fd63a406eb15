// A DICOM cine as a clip: the sampled frames decoded, with their times, source and frame rate.

import type { RgbaImage } from '../frame';
import { MAX_CLIP_FRAMES, sampleFrameIndices, samplingFor, type Clip } from '../clip';
import type { DicomCine } from './readDicom';

/** Decodes only the frames the clip is read at (every frame up to the limit, evenly spaced beyond). */
export async function dicomClip(
  cine: DicomCine,
  name: string,
  limit = MAX_CLIP_FRAMES,
): Promise<Clip<RgbaImage>> {
  const indices = sampleFrameIndices(cine.frameCount, limit);
  const frames = [];
  for (const index of indices)
    frames.push({ index, timeMs: cine.timesMs[index]!, pixels: await cine.frame(index) });
  return {
    source: {
      kind: 'dicom',
      name,
      format: `DICOM ${cine.storage} (${cine.transferSyntax}, ${cine.photometric})`,
    },
    frameRate: cine.frameRate,
    durationMs: cine.durationMs,
    sampling: samplingFor(cine.frameCount, limit),
    frames,
  };
}
