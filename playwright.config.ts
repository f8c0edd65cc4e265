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
  fullyParallel: false,
  workers: 1,
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
  projects: [
    {
      name: 'wasm',
      testIgnore: /webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath: CHROMIUM_PATH, args: WASM_ARGS } },
    },
    {
      name: 'webgpu-software',
      testMatch: /webgpu\.spec\.ts/,
      use: {
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: WEBGPU_ARGS,
        },
      },
    },
  ],
});
