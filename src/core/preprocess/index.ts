// Public surface of preprocessing: resampling, and crop → resize → pad → normalise into the model's input.
export * from './resize';
export * from './preprocess';
