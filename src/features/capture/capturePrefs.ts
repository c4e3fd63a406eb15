// What the capture screen remembers per capture card on this device: resolution and the image region.

import type { Rect } from '../../core';
import type { Resolution } from '../../sources';

export interface DevicePrefs {
  /** null: the card's own resolution (no constraint). */
  resolution: Resolution | null;
  /** The image region, in the pixels of the frame size it was found on. */
  roi: { rect: Rect; frameWidth: number; frameHeight: number; setBy: 'auto' | 'user' } | null;
}

const PREFIX = 'lus-signs.capture.';
const LAST_DEVICE = `${PREFIX}last-device`;

// Device ids are stable per origin, so they key the memory; a card moved to another USB port keeps its id
// in Chromium, and at worst the region is found again.
export function readDevicePrefs(deviceId: string): DevicePrefs {
  try {
    const raw = localStorage.getItem(PREFIX + deviceId);
    if (raw) {
      const parsed = JSON.parse(raw) as Partial<DevicePrefs>;
      return { resolution: parsed.resolution ?? null, roi: parsed.roi ?? null };
    }
  } catch {
    // An unreadable entry is forgotten, not fatal: the region is found again.
  }
  return { resolution: null, roi: null };
}

export function saveDevicePrefs(deviceId: string, change: Partial<DevicePrefs>): void {
  try {
    localStorage.setItem(PREFIX + deviceId, JSON.stringify({ ...readDevicePrefs(deviceId), ...change }));
  } catch {
    // Private browsing or a full quota: the choice lasts for this session only.
  }
}

export function readLastDevice(): string | null {
  try {
    return localStorage.getItem(LAST_DEVICE);
  } catch {
    return null;
  }
}

export function saveLastDevice(deviceId: string): void {
  try {
    localStorage.setItem(LAST_DEVICE, deviceId);
  } catch {
    // see above
  }
}

/** A remembered region applies only to frames of the size it was found on (a new resolution moves it). */
export function rememberedRoi(prefs: DevicePrefs, width: number, height: number): DevicePrefs['roi'] {
  const roi = prefs.roi;
  return roi && roi.frameWidth === width && roi.frameHeight === height ? roi : null;
}
