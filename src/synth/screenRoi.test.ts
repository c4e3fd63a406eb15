// The generator's scanner screens played as cine: motion ROI finds the exact image rectangle (issue #8: 8 px).
import { describe, expect, it } from 'vitest';
import { CLASS_IDS, resizeGrey } from '../core/frame';
import { MotionAccumulator, detectMovingRegion, motionWorkSize } from '../core/roi';
import { generateCine } from './index';

describe('motion ROI on generated scanner screens', () => {
  // Seeds cover grey, blue and dark themes, convex, linear and phased probes, overlays on and off.
  it.each([1, 2, 7, 8])(
    'seed %i: within 8 px of the generator rectangle',
    (seed) => {
      const classId = CLASS_IDS[seed % 4]!;
      const clip = generateCine({
        classId,
        width: 640,
        height: 480,
        seed,
        seconds: 2.4,
        fps: 5,
        screen: true,
        overlays: seed % 2 === 0,
      });
      const work = motionWorkSize(640, 480);
      const motion = new MotionAccumulator(work.width, work.height);
      for (const frame of clip.frames) motion.add(resizeGrey(frame, work.width, work.height));
      const outcome = detectMovingRegion(motion, 640, 480, clip.frames.at(-1));
      expect(outcome.found).toBe(true);
      if (!outcome.found) return;
      const truth = clip.imageRect!;
      const r = outcome.rect;
      const error = Math.max(
        Math.abs(r.x - truth.x),
        Math.abs(r.y - truth.y),
        Math.abs(r.x + r.width - (truth.x + truth.width)),
        Math.abs(r.y + r.height - (truth.y + truth.height)),
      );
      expect(error).toBeLessThanOrEqual(8);
    },
    60_000,
  );
});
