// Capture errors become messages that say what to do; the card busy in another app is the one Playwright cannot fake.
import { describe, expect, it } from 'vitest';
import { CaptureProblem, captureProblemFrom, offersResolution } from './captureDevice';

const domError = (name: string) => new DOMException('from the browser', name);

describe('captureProblemFrom', () => {
  it.each([
    ['NotAllowedError', 'permission-denied', /Allow the camera/],
    ['NotFoundError', 'no-camera', /Plug the capture card/],
    ['NotReadableError', 'device-busy', /in use by another app/],
    ['OverconstrainedError', 'unsupported-resolution', /does not offer 1920×1080/],
    ['SomethingElse', 'unknown', /could not be started \(from the browser\)/],
  ])('%s → %s', (name, code, message) => {
    const problem = captureProblemFrom(domError(name), { width: 1920, height: 1080 });
    expect(problem).toBeInstanceOf(CaptureProblem);
    expect(problem.code).toBe(code);
    expect(problem.message).toMatch(message);
  });

  it('passes a CaptureProblem through unchanged', () => {
    const original = new CaptureProblem('device-ended', 'gone');
    expect(captureProblemFrom(original)).toBe(original);
  });
});

describe('offersResolution', () => {
  it('compares with the largest picture the card reports, and assumes yes when it reports nothing', () => {
    const hd = { width: 1280, height: 720 };
    expect(offersResolution({ width: 1920, height: 1080 }, hd)).toBe(true);
    expect(offersResolution({ width: 640, height: 480 }, hd)).toBe(false);
    expect(offersResolution(null, hd)).toBe(true);
  });
});
