// Build and preview configuration: React, the inference worker, the offline service worker, isolation and CSP headers.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import type { Plugin } from 'vite';

/** The Emscripten factory of TF.js's threaded WASM build; its source text is what each pthread worker runs. */
const THREADED_FACTORY =
  /@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;

/**
 * Makes TF.js's multi-threaded WASM build survive bundling, and use every core.
 *
 * The backend starts each pthread worker from a Blob holding `factory.toString()`, so the factory must not
 * refer to anything outside itself. It refers to one thing: `_scriptDir`, a variable of the wrapper around
 * it, read as `typeof _scriptDir !== "undefined" && _scriptDir`. Unbundled, the guard makes that safe in
 * the worker; the minifier knows the variable is declared and rewrites the guard to `e !== void 0 && e`,
 * which throws "e is not defined" in the worker, and the backend then never answers. In a browser worker
 * `_scriptDir` is always undefined (no document.currentScript, no __filename), so using undefined in its
 * place inside the factory changes nothing there and leaves the factory self-contained. (The factory's
 * `require()` calls become a bundler helper outside it too, but they run only under Node.)
 */
export function tfjsWasmThreadsSurviveBundling(): Plugin {
  const replacements: Array<[string, string]> = [
    ['if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}', ''],
    ['"urlOrBlob":Module["mainScriptUrlOrBlob"]||_scriptDir,', '"urlOrBlob":Module["mainScriptUrlOrBlob"],'],
    // The backend caps its thread pool at half the logical cores, assuming two hyperthreads per core
    // (backend.cc: `num_cores = emscripten_num_logical_cores() / 2`), whatever setThreadsCount asks. On a
    // 2-core machine that is one thread; on an 8-core ARM tablet (no SMT), four. Doubling the count it is
    // given makes the cap the real number of logical cores; configureBundledWasm chooses the count.
    ['return navigator["hardwareConcurrency"]}', 'return 2*navigator["hardwareConcurrency"]}'],
  ];
  return {
    name: 'lus-tfjs-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!THREADED_FACTORY.test(id.split('?')[0]!)) return null;
      let out = code;
      for (const [from, to] of replacements) {
        // A new tfjs release that moved these lines must fail the build, not ship a hanging backend.
        if (!out.includes(from)) throw new Error(`tfjs-backend-wasm changed: "${from}" not found in ${id}`);
        out = out.replace(from, to);
      }
      return { code: out, map: null };
    },
  };
}

/**
 * Nothing may leave the device: every fetch, script, worker and image comes from the app's own origin.
 * 'wasm-unsafe-eval' lets the WASM backend compile; inline styles are React's style attributes.
 * Scripts from blob: URLs: each of multi-threaded WASM's pthread workers runs `importScripts()` on a Blob
 * of the backend's factory made by the inference worker (the policy a worker's Blob children inherit);
 * a blob: URL can only be minted by this origin's own code, so no other origin gets in.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' blob: 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// COOP/COEP make the page cross-origin isolated, which SharedArrayBuffer (multi-threaded WASM) needs.
const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
};

/** Where unit tests sit: next to the code they test. */
const UNIT_TESTS = ['src/**/*.test.ts', 'node/**/*.test.ts', 'scripts/**/*.test.ts', 'cli/**/*.test.ts'];

/** Model shards are 4 MiB; the worker bundle is about 2.6 MB. Everything must be precached for offline use. */
const LARGEST_PRECACHED_FILE = 6 * 1024 * 1024;

export default defineConfig({
  plugins: [
    tfjsWasmThreadsSurviveBundling(),
    react(),
    VitePWA({
      // Updates wait for the user's consent: never reload under a sonographer's feet.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.svg', 'icons/*.png'],
      manifest: {
        name: 'LUS Signs',
        short_name: 'LUS Signs',
        description:
          'Reads lung-ultrasound signs on this device: A-lines, B-lines, pleural effusion, consolidation.',
        theme_color: '#0b0f14',
        background_color: '#0b0f14',
        display: 'standalone',
        orientation: 'any',
        start_url: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,json,bin,webmanifest}'],
        maximumFileSizeToCacheInBytes: LARGEST_PRECACHED_FILE,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  // The inference worker is bundled separately: it needs the same fix for the threads it starts.
  worker: { format: 'es', plugins: () => [tfjsWasmThreadsSurviveBundling()] },
  server: { headers, host: 'localhost' },
  preview: { headers, host: 'localhost' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    environment: 'node',
    testTimeout: 120_000,
    // Vitest leaves a core free by default, which on a two-core machine runs one test file at a time. Much
    // of a file's time is waiting (on the CLI's child processes, on imports), so two at a time is stable and
    // faster there: the unit tests took 173 s instead of 251 s on this machine under the same load.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      // npm test: behaviour, with the fixture model and the small parity nets.
      { extends: true, test: { name: 'unit', include: UNIT_TESTS, exclude: ['**/*.model.test.ts'] } },
      // npm run test:model: evaluations of the real default model (gate rates, heat mass), minutes each.
      {
        extends: true,
        test: { name: 'model', include: ['**/*.model.test.ts'], exclude: ['node_modules/**'] },
      },
    ],
  },
});
