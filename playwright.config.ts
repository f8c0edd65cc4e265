/**
 * End-to-end tests in Debian's Chromium (Playwright cannot download browsers
 * here). Two projects: the wasm path, always; and WebGPU on Chromium's software
 * adapter (SwiftShader) with the fixture pack — correctness only, it is slow.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, WASM_ARGS, WEBGPU_ARGS } from './scripts/chromium.mjs';

const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // Two workers: an e2e often waits on one thread (the page's, then the engine Worker's), so two
  // side by side use this 2-core machine better. Measured: 84 tests in one worker 15.6 min; 87 tests
  // (three new teaching specs) in two workers 14.8 min, the WebGPU file running beside the wasm specs;
  // 74 tests (no warm-up runs on SwiftShader, the bad-input files as steps of two tests) 10.3 min.
  fullyParallel: false,
  workers: 2,
  reporter: [['list']],
  outputDir: 'e2e/out',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `npx vite build --logLevel warn && npx vite preview --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
  // WebGPU first: its one file (minutes on SwiftShader) then runs in one worker while the other
  // works through the wasm specs, instead of alone at the end.
  projects: [
    {
      name: 'webgpu-software',
      testMatch: /webgpu\.spec\.ts/,
      // SwiftShader runs WebGPU on the CPU beside the wasm specs: a redraw can take minutes, not seconds.
      expect: { timeout: 240_000 },
      use: {
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: WEBGPU_ARGS,
        },
      },
    },
    {
      name: 'wasm',
      testIgnore: /webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath: CHROMIUM_PATH, args: WASM_ARGS } },
    },
  ],
});
