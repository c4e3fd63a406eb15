// Public surface of the read-out: one frame's result, and the smoothed live read-out while capturing.
export * from './result';
export * from './liveReadout';
