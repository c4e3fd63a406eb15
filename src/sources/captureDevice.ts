// Video-capture cards (UVC) as a source: list them, open one at a chosen resolution, and name every failure
// in words a sonographer can act on.

export interface CaptureDeviceInfo {
  deviceId: string;
  /** Empty until the user has allowed camera access once (browsers hide labels before that). */
  label: string;
}

export interface Resolution {
  width: number;
  height: number;
}

/** What capture cards commonly offer, largest first; "the card's own" (no constraint) comes before these. */
export const COMMON_RESOLUTIONS: readonly Resolution[] = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
  { width: 800, height: 600 },
  { width: 640, height: 480 },
];

export type CaptureProblemCode =
  | 'no-camera-api'
  | 'no-camera'
  | 'permission-denied'
  | 'device-busy'
  | 'unsupported-resolution'
  | 'device-ended'
  | 'unknown';

export class CaptureProblem extends Error {
  readonly code: CaptureProblemCode;
  constructor(code: CaptureProblemCode, message: string) {
    super(message);
    this.name = 'CaptureProblem';
    this.code = code;
  }
}

export const DEVICE_ENDED_MESSAGE =
  'The capture card stopped sending video: it was unplugged, or the scanner output switched off. Plug it back in, then press Start capture.';

/** Whether a card whose largest picture is `largest` can send `wanted` (unknown capabilities: assume yes). */
export function offersResolution(largest: Resolution | null, wanted: Resolution): boolean {
  return !largest || (wanted.width <= largest.width && wanted.height <= largest.height);
}

/** Turns a getUserMedia error into a message that says what to do next. */
export function captureProblemFrom(error: unknown, wanted?: Resolution): CaptureProblem {
  if (error instanceof CaptureProblem) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  const size = wanted ? `${wanted.width}×${wanted.height}` : 'that resolution';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return new CaptureProblem(
        'permission-denied',
        'Camera access is blocked for LUS Signs. Allow the camera in the browser (the camera icon in the address bar, or site settings), then press Start capture.',
      );
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return new CaptureProblem(
        'no-camera',
        'No video input found. Plug the capture card into this device (and the scanner into the card), then press Start capture.',
      );
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new CaptureProblem(
        'device-busy',
        'The capture card is in use by another app (a video call, recording software or another browser tab). Close that app, then press Start capture.',
      );
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return new CaptureProblem(
        'unsupported-resolution',
        `This capture card does not offer ${size}. Choose another resolution, or "The card's own".`,
      );
    default:
      return new CaptureProblem(
        'unknown',
        `The capture card could not be started (${(error as Error | null)?.message ?? String(error)}). Unplug it, plug it back in, and try again.`,
      );
  }
}

function mediaDevices(): MediaDevices {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    throw new CaptureProblem(
      'no-camera-api',
      'This browser cannot read video inputs here. Open LUS Signs in Chrome, Edge or Safari over https (or on this computer at localhost).',
    );
  }
  return navigator.mediaDevices;
}

export async function listCaptureDevices(): Promise<CaptureDeviceInfo[]> {
  const all = await mediaDevices().enumerateDevices();
  return all.filter((d) => d.kind === 'videoinput').map((d) => ({ deviceId: d.deviceId, label: d.label }));
}

export interface OpenCapture {
  stream: MediaStream;
  track: MediaStreamTrack;
  /** What the card actually delivers (it may differ from what was asked when nothing was forced). */
  width: number;
  height: number;
  deviceId: string;
  label: string;
  /** The largest picture the card says it can send, when the browser reports capabilities. */
  largest: Resolution | null;
}

/**
 * Opens one device. A resolution is asked for exactly: a capture card that cannot deliver it fails with
 * "unsupported resolution" rather than silently sending a scaled picture.
 */
export async function openCaptureDevice(
  deviceId: string | null,
  resolution: Resolution | null,
): Promise<OpenCapture> {
  const devices = mediaDevices();
  const video: MediaTrackConstraints = {};
  if (deviceId) video.deviceId = { exact: deviceId };
  if (resolution) {
    video.width = { exact: resolution.width };
    video.height = { exact: resolution.height };
  }
  let stream: MediaStream;
  try {
    stream = await devices.getUserMedia({ video, audio: false });
  } catch (error) {
    throw captureProblemFrom(error, resolution ?? undefined);
  }
  const track = stream.getVideoTracks()[0];
  if (!track) {
    stream.getTracks().forEach((t) => t.stop());
    throw new CaptureProblem('no-camera', 'The device sent no video track. Choose another video input.');
  }
  const settings = track.getSettings();
  const caps = typeof track.getCapabilities === 'function' ? track.getCapabilities() : {};
  const largest =
    caps.width?.max && caps.height?.max ? { width: caps.width.max, height: caps.height.max } : null;
  return {
    largest,
    stream,
    track,
    width: settings.width ?? resolution?.width ?? 0,
    height: settings.height ?? resolution?.height ?? 0,
    deviceId: settings.deviceId ?? deviceId ?? '',
    label: track.label,
  };
}

export function closeCapture(capture: OpenCapture | null): void {
  capture?.stream.getTracks().forEach((t) => t.stop());
}
