// Builds the peer benchmark's page the way the app is built: same bundler, same threaded-WASM fix, ES workers.
import { defineConfig } from 'vite';
import { tfjsWasmThreadsSurviveBundling } from '../../../vite.config';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  plugins: [tfjsWasmThreadsSurviveBundling()],
  worker: { format: 'es', plugins: () => [tfjsWasmThreadsSurviveBundling()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 8192, emptyOutDir: true },
});
