// Types for Comlink's Node adapter: the package ships node-adapter.mjs with types beside it as node-adapter.d.ts, which TypeScript does not pair with an .mjs import.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export { default } from 'comlink/dist/esm/node-adapter';
}
