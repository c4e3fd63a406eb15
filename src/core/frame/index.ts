// Public surface of the frame stage: the four signs' ids and names, and the pixel and rectangle types every stage shares.
export * from './classes';
export * from './image';
