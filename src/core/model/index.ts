// Public surface of the model contract: its metadata (checked on load) and the summary the model screens show.
export * from './modelMetadata';
export * from './modelSummary';
