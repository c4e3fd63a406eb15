// Public surface of preprocessing: crop → resize → pad → normalise into the model's input, per the model metadata.
export * from './preprocess';
