// Debian's Chromium and the flags every headless run here uses (Playwright cannot download browsers here).
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Quiet, offline, sandbox-free headless runs. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The wasm path: no GPU at all. */
export const WASM_ARGS = [...CHROMIUM_ARGS, '--disable-gpu'];

/** WebGPU on Chromium's software adapter (SwiftShader): correctness only, it is slow. */
export const WEBGPU_ARGS = [...CHROMIUM_ARGS, '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'];
