// Public surface of the frame stage: the four signs' ids and names, the pixel and rectangle types every stage shares, and resampling.
export * from './classes';
export * from './image';
export * from './resize';
