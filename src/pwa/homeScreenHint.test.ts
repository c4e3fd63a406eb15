// The Home Screen hint shows on iPhone/iPad Safari tabs only.

import { describe, expect, it } from 'vitest';
import { needsHomeScreenHint } from './homeScreenHint';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const IPAD_DESKTOP_MODE =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const ANDROID_TABLET =
  'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

describe('needsHomeScreenHint', () => {
  it('shows on an iPhone Safari tab', () => {
    expect(
      needsHomeScreenHint({ userAgent: IPHONE, platform: 'iPhone', maxTouchPoints: 5, standalone: false }),
    ).toBe(true);
  });
  it('shows on an iPad that reports itself as a Mac', () => {
    expect(
      needsHomeScreenHint({
        userAgent: IPAD_DESKTOP_MODE,
        platform: 'MacIntel',
        maxTouchPoints: 5,
        standalone: false,
      }),
    ).toBe(true);
  });
  it('does not show once opened from the Home Screen', () => {
    expect(
      needsHomeScreenHint({ userAgent: IPHONE, platform: 'iPhone', maxTouchPoints: 5, standalone: true }),
    ).toBe(false);
  });
  it('does not show on a Mac, Android or desktop Chromium', () => {
    expect(
      needsHomeScreenHint({
        userAgent: IPAD_DESKTOP_MODE,
        platform: 'MacIntel',
        maxTouchPoints: 0,
        standalone: false,
      }),
    ).toBe(false);
    expect(
      needsHomeScreenHint({
        userAgent: ANDROID_TABLET,
        platform: 'Linux armv8l',
        maxTouchPoints: 10,
        standalone: false,
      }),
    ).toBe(false);
  });
});
