// Public surface of the model contract: its metadata (checked on load), the summary the model screens show, and the bundled-model list.
export * from './modelMetadata';
export * from './modelSummary';
export * from './modelIndex';
