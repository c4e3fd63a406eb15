// Public surface of heat maps: where in the frame the model looked, as a grid of cells and an overlay.
export * from './heatMap';
