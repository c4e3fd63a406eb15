// The capture cards this device offers, the one chosen (remembered) and the resolution asked of it (remembered per card).

import { useCallback, useEffect, useState } from 'react';
import { CaptureProblem, listCaptureDevices, type CaptureDeviceInfo, type Resolution } from '../../sources';
import { readDevicePrefs, readLastDevice, saveDevicePrefs, saveLastDevice } from './capturePrefs';

/** A problem the capture screen shows, with a code the specs and the banner read. */
export interface CaptureTrouble {
  code: string;
  message: string;
}

/** The resolution menu's value for "the card's own" (no constraint). */
export const NATIVE = 'native';
export const resolutionKey = (r: Resolution | null) => (r ? `${r.width}x${r.height}` : NATIVE);
export function parseResolution(key: string): Resolution | null {
  const m = /^(\d+)x(\d+)$/.exec(key);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/**
 * Lists the cards now and whenever one is plugged in or out. `report` sets or clears the screen's problem:
 * "no video input" when none is found, cleared when one appears.
 */
export function useCaptureDevices(
  report: (change: (p: CaptureTrouble | null) => CaptureTrouble | null) => void,
) {
  const [devices, setDevices] = useState<CaptureDeviceInfo[] | null>(null);
  const [deviceId, setDeviceId] = useState<string>(() => readLastDevice() ?? '');
  const [resolution, setResolution] = useState<string>(NATIVE);

  const refreshDevices = useCallback(async () => {
    try {
      const found = await listCaptureDevices();
      setDevices(found);
      if (found.length === 0) {
        report(() => ({
          code: 'no-camera',
          message:
            'No video input found. Plug the capture card into this device (and the scanner into the card), then press Start capture.',
        }));
      } else {
        report((p) => (p?.code === 'no-camera' ? null : p));
      }
      return found;
    } catch (error) {
      const p = error instanceof CaptureProblem ? error : null;
      report(() => ({ code: p?.code ?? 'unknown', message: (error as Error).message }));
      setDevices([]);
      return [];
    }
  }, [report]);

  useEffect(() => {
    void refreshDevices();
    const md = navigator.mediaDevices;
    if (!md?.addEventListener) return;
    const onChange = () => void refreshDevices();
    md.addEventListener('devicechange', onChange);
    return () => md.removeEventListener('devicechange', onChange);
  }, [refreshDevices]);

  // The remembered resolution of the chosen card.
  useEffect(() => {
    if (deviceId) setResolution(resolutionKey(readDevicePrefs(deviceId).resolution));
  }, [deviceId]);

  const chooseDevice = (id: string) => {
    setDeviceId(id);
    if (id) saveLastDevice(id);
  };
  const chooseResolution = (key: string) => {
    setResolution(key);
    if (deviceId) saveDevicePrefs(deviceId, { resolution: parseResolution(key) });
  };
  /** A card that opened is remembered, with the resolution asked of it, once the list names it. */
  const rememberOpened = useCallback(
    (id: string, found: readonly CaptureDeviceInfo[], wanted: Resolution | null) => {
      if (!id || !found.some((d) => d.deviceId === id)) return;
      setDeviceId(id);
      saveLastDevice(id);
      saveDevicePrefs(id, { resolution: wanted });
    },
    [],
  );

  return { devices, deviceId, resolution, refreshDevices, chooseDevice, chooseResolution, rememberOpened };
}
