// Public surface of the Node-side TF.js runtime: the WASM backend and graph models read from disk.
export { useWasmBackendInNode, wasmBinaryDir } from './wasmBackend';
export {
  ModelFolderError,
  loadGraphModelFromDir,
  readGraphModelFolder,
  type DiskGraphModel,
  type DiskModelArtifacts,
  type LoadDiskModelOptions,
} from './diskModel';
