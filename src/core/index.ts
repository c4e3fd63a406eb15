// Public surface of the pure pipeline core, one stage a folder, in the order a frame travels through them.
export * from './frame';
export * from './random';
export * from './roi';
export * from './preprocess';
export * from './gate';
export * from './heatmap';
export * from './model';
export * from './readout';
export * from './metrics';
export * from './batch';
export * from './adapt';
export * from './clip';
export * from './dicom';
