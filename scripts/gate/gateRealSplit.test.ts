// The real frames the gate's view discriminants are fitted on come from the training clips only, so the validation clips stay unseen.
import { describe, expect, it } from 'vitest';
import { clipIdFromFileName } from '../data/prepare-training-data';
import { isValidationFrame, realFrameFiles, trainingRealFrameFiles, validationClips } from './gateRates';

describe('real frames for the gate fit', () => {
  it('never takes a frame of a validation clip, and spreads over the training clips', () => {
    const clips = validationClips();
    expect(clips.size).toBe(16);
    const picked = trainingRealFrameFiles(200);
    expect(picked).toHaveLength(200);
    expect(new Set(picked).size).toBe(200);
    for (const f of picked) expect(clips.has(clipIdFromFileName(f)), f).toBe(false);
    // 67 training clips of 1 to 24 frames: an even spread over the sorted frames reaches most of them (55).
    expect(new Set(picked.map(clipIdFromFileName)).size).toBeGreaterThanOrEqual(50);
  });

  it('finds every validation clip among the real frames, and tells their frames apart', () => {
    const all = realFrameFiles();
    const clipsPresent = new Set(all.map(clipIdFromFileName));
    for (const clip of validationClips()) expect(clipsPresent.has(clip), clip).toBe(true);
    const unseen = all.filter(isValidationFrame);
    expect(unseen).toHaveLength(137);
    // Asking for more than there are gives every training-clip frame once.
    expect(trainingRealFrameFiles(10_000)).toHaveLength(all.length - unseen.length);
    // Names relative to the data folder (as the rates carry them) are recognised too.
    expect(isValidationFrame('pleural_effusion/Cov-Atlas-Day_4_f0001.jpg')).toBe(true);
    expect(isValidationFrame('pleural_effusion/Cov-Atlas-Day_40_f0001.jpg')).toBe(false);
  });
});
