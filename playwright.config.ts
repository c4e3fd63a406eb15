// Browser tests: Debian's Chromium driven by Playwright against the production build served on localhost.
import { defineConfig } from '@playwright/test';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Another port lets a second checkout (a clean-clone CI check) run beside a developer's server.
const port = Number(process.env.LUS_PORT ?? 4173);
// Another build folder lets several people test their own builds of one working tree side by side.
const dist = process.env.LUS_DIST ?? 'dist';
/** Specs that load the real default model: the model suite (npm run test:model), not npm test. */
const MODEL_SPECS = 'model/**/*.spec.ts';
const SERVICE_WORKER_SPECS = ['update.spec.ts', 'offline.spec.ts', 'models.spec.ts', 'wasm-threads.spec.ts'];
/** Tests that need WebGPU and WebGL carry this tag (project `gpu`). */
const GPU_TAG = /@gpu/;
const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// WebGPU and WebGL on SwiftShader. Every other test runs with --disable-gpu: software compositing is cheaper
// than compositing through an emulated GPU, and the suite is bound by this machine's two cores (the clip,
// case and capture specs took 17 % less test time with it).
const SOFTWARE_GPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader'];

export default defineConfig({
  testDir: 'tests',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  // Spec files run side by side (LUS_WORKERS, default 2 for a 2-core machine); the tests of one file in order.
  workers: Number(process.env.LUS_WORKERS ?? 2),
  // The test runner names a report per suite, so the model suite's never overwrites the behaviour suite's.
  reporter: [['list'], ['json', { outputFile: process.env.LUS_E2E_REPORT ?? 'test-results/e2e.json' }]],
  // Playwright empties its output folder at start: a folder of its own keeps the other runners' reports.
  outputDir: 'test-results/playwright',
  globalSetup: './tests/global-setup.ts',
  // Projects are queued in this order: the one-at-a-time service-worker specs and the long software-GPU
  // tests start first, so neither is left running alone at the end while the other worker idles.
  projects: [
    // Specs that let the service worker run share one sw.js, which update.spec.ts rewrites on disk to publish
    // a "new version": they run one at a time (beside the behaviour specs), so none sees another's release.
    { name: 'service-worker', testMatch: SERVICE_WORKER_SPECS, workers: 1 },
    // Tests tagged @gpu drive WebGPU and WebGL, which here are SwiftShader: only they get the software GPU.
    {
      name: 'gpu',
      grep: GPU_TAG,
      testIgnore: [MODEL_SPECS, ...SERVICE_WORKER_SPECS],
      use: { launchOptions: { executablePath: chromium, args: [...BASE_ARGS, ...SOFTWARE_GPU_ARGS] } },
    },
    // What npm test runs besides: every other behaviour with the tiny fixture model.
    { name: 'behaviour', grepInvert: GPU_TAG, testIgnore: [MODEL_SPECS, ...SERVICE_WORKER_SPECS] },
    // npm run test:model: the shipped default model (117 MB ResNet152) in the browser, one at a time.
    {
      name: 'model',
      testMatch: MODEL_SPECS,
      workers: 1,
      use: { launchOptions: { executablePath: chromium, args: [...BASE_ARGS, ...SOFTWARE_GPU_ARGS] } },
    },
  ],
  use: {
    baseURL: `http://localhost:${port}`,
    // Tests that mock the network or need a clean origin run without the service worker.
    serviceWorkers: 'block',
    launchOptions: { executablePath: chromium, args: [...BASE_ARGS, '--disable-gpu'] },
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --outDir ${dist}`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
