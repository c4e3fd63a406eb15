// An MP4/MOV file's video frame rate from its container (samples over the track's media duration), read by mp4box.
import { MP4BoxBuffer, createFile } from 'mp4box';
import { plausibleFrameRate } from './clip';

/**
 * The frame rate the file's first video track states: its sample count over its media duration. Null when
 * the bytes are not an MP4-family file, hold no video track, or state no plausible rate. Unlike a rate
 * measured while the video plays, this is the same on every read, on a busy device too, so a clip is
 * sampled at the same frames each time it is opened.
 */
export function mp4FrameRate(bytes: ArrayBuffer): number | null {
  const file = createFile();
  let fps: number | null = null;
  file.onReady = (info) => {
    const track = info.videoTracks[0];
    if (track && track.nb_samples > 0 && track.duration > 0 && track.timescale > 0)
      fps = track.nb_samples / (track.duration / track.timescale);
  };
  try {
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes, 0));
    file.flush();
  } catch {
    return null;
  }
  const rate = plausibleFrameRate(fps);
  return rate === null ? null : Math.round(rate * 100) / 100;
}
