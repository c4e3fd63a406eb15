// How Record clip paces its frames: 15 a second, never more than core/clip reads of one clip.

import { describe, expect, it } from 'vitest';
import { MAX_CLIP_FRAMES } from '../../core/clip';
import { CLIP_SECONDS, recordingPlan } from './useClipRecording';

describe('recordingPlan', () => {
  it('takes 15 frames a second, evenly, and caps a long clip at the frames one clip is read at', () => {
    expect(recordingPlan(2)).toEqual({ frames: 30, everyMs: 2000 / 30 });
    expect(recordingPlan(4)).toEqual({ frames: 60, everyMs: 4000 / 60 });
    // 6 s at 15 frames/s would be 90: 64 frames, spread over the whole 6 s.
    expect(recordingPlan(6)).toEqual({ frames: MAX_CLIP_FRAMES, everyMs: 6000 / MAX_CLIP_FRAMES });
    for (const s of CLIP_SECONDS)
      expect(recordingPlan(s).frames * recordingPlan(s).everyMs).toBeCloseTo(s * 1000, 6);
  });
});
