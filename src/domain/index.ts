// Public surface of the pure domain: class ids, metadata contract, pixel types, ROI and preprocessing.
export * from './classes';
export * from './image';
export * from './modelMetadata';
export * from './preprocess';
export * from './resize';
export * from './roi';
export * from './motionRoi';
export * from './liveReadout';
export * from './result';
export * from './modelSummary';
export * from './metrics';
export * from './gate';
export * from './heatMap';
export * from './seededRandom';
export * from './batchReport';
