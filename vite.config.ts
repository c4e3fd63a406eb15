// Build and preview configuration: React, the inference worker, the offline service worker, isolation and CSP headers.
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Nothing may leave the device: every fetch, script, worker and image comes from the app's own origin.
 * 'wasm-unsafe-eval' lets the WASM backend compile; inline styles are React's style attributes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
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

/** Model shards are 4 MiB; the worker bundle is about 2.6 MB. Everything must be precached for offline use. */
const LARGEST_PRECACHED_FILE = 6 * 1024 * 1024;

export default defineConfig({
  plugins: [
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
  worker: { format: 'es' },
  server: { headers, host: 'localhost' },
  preview: { headers, host: 'localhost' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'cli/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
  },
});
