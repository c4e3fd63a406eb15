// The capture card and resolution menus, and Start or Stop capture.

import {
  COMMON_RESOLUTIONS,
  offersResolution,
  type CaptureDeviceInfo,
  type OpenCapture,
} from '../../sources';
import { NATIVE, resolutionKey } from './useCaptureDevices';

function deviceName(d: CaptureDeviceInfo, index: number): string {
  return d.label || `Video input ${index + 1} (name shown after camera access is allowed)`;
}

export function CaptureControls({
  devices,
  deviceId,
  onDevice,
  resolution,
  onResolution,
  capture,
  starting,
  ready,
  onStart,
  onStop,
}: {
  devices: readonly CaptureDeviceInfo[] | null;
  deviceId: string;
  onDevice: (id: string) => void;
  resolution: string;
  onResolution: (key: string) => void;
  capture: OpenCapture | null;
  starting: boolean;
  /** A model is loaded to read the frames. */
  ready: boolean;
  onStart: () => void;
  onStop: () => void;
}) {
  return (
    <div className="capture-controls">
      <label className="field">
        <span>Video input (capture card)</span>
        <select
          data-testid="capture-device"
          value={deviceId}
          onChange={(e) => onDevice(e.target.value)}
          disabled={starting}
        >
          {!devices?.length && <option value="">No video input found</option>}
          {devices && devices.length > 0 && !devices.some((d) => d.deviceId === deviceId) && (
            <option value="">First available input</option>
          )}
          {devices?.map((d, i) => (
            <option key={d.deviceId || i} value={d.deviceId}>
              {deviceName(d, i)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Resolution</span>
        <select
          data-testid="capture-resolution"
          value={resolution}
          onChange={(e) => onResolution(e.target.value)}
          disabled={starting}
        >
          <option value={NATIVE}>The card&apos;s own</option>
          {COMMON_RESOLUTIONS.map((r) => (
            <option key={resolutionKey(r)} value={resolutionKey(r)}>
              {r.width}×{r.height}
              {capture && !offersResolution(capture.largest, r) ? ' (this card cannot send it)' : ''}
            </option>
          ))}
        </select>
      </label>
      {capture ? (
        <button type="button" className="button big" data-testid="capture-stop" onClick={onStop}>
          Stop capture
        </button>
      ) : (
        <button
          type="button"
          className="button primary big"
          data-testid="capture-start"
          disabled={!ready || starting}
          onClick={onStart}
        >
          {starting ? 'Starting…' : 'Start capture'}
        </button>
      )}
    </div>
  );
}
