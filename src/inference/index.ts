// Public surface of inference for the UI: the worker client and the API's types (never tfjs itself).
export * from './api';
export { InferenceClient } from './client';
