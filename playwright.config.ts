// Browser tests: Debian's Chromium driven by Playwright against the production build served on localhost.
import { defineConfig } from '@playwright/test';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Another port lets a second checkout (a clean-clone CI check) run beside a developer's server.
const port = Number(process.env.LUS_PORT ?? 4173);
// Another build folder lets several people test their own builds of one working tree side by side.
const dist = process.env.LUS_DIST ?? 'dist';

export default defineConfig({
  testDir: 'tests',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  // Two cores: one browser at a time keeps timings sane and SwiftShader from starving.
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  globalSetup: './tests/global-setup.ts',
  use: {
    baseURL: `http://localhost:${port}`,
    // Tests that mock the network or need a clean origin run without the service worker.
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
      ],
    },
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --outDir ${dist}`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
