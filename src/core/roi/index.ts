// Public surface of the region-of-interest stage: the image area found in one scanner screen, or from motion over a clip.
export * from './roi';
export * from './motionRoi';
