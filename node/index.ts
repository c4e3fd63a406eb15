// Public surface of the Node adapters: the WASM backend, model folders on disk, the bundled models, decoding and PNG encoding.
export { useWasmBackendInNode, wasmBinaryDir } from './wasmBackend';
export {
  ModelFolderError,
  loadGraphModelFromDir,
  modelFilesSource,
  modelFolderSource,
  readGraphModelFolder,
  readModelFolderFiles,
  type DiskGraphModel,
  type DiskModelArtifacts,
  type LoadDiskModelOptions,
} from './diskModel';
export { BUNDLED_MODELS_DIR, bundledModelDir, defaultModelDir, defaultModelId } from './bundledModels';
export { decodeImageBuffer } from './decodeNode';
export { encodeGreyPng, encodeRgbaPng } from './encodePng';
export { startInferenceThread, type InferenceThread } from './inferenceThread';
