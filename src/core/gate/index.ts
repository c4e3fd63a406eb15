// Public surface of the input gate: image checks, the feature reference, and the verdict that combines them.
export * from './reasons';
export * from './imageChecks';
export * from './reference';
export * from './verdict';
