import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Multi-threaded wasm needs SharedArrayBuffer, which needs cross-origin isolation.
// Models and ORT's wasm are served same-origin, so require-corp costs nothing.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// `vite build --mode bench` builds the benchmark page alone into dist-bench/, so
// the production dist/ ships the app only.
export default defineConfig(({ mode }) => ({
  plugins: [react()],
  server: { headers: isolation, host: '127.0.0.1' },
  preview: { headers: isolation, host: '127.0.0.1' },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 30_000,
    outDir: mode === 'bench' ? 'dist-bench' : 'dist',
    rollupOptions: { input: mode === 'bench' ? { bench: 'bench/index.html' } : { main: 'index.html' } },
  },
  // ORT ships its wasm next to its ESM entry; pre-bundling would lose it.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  test: {
    environment: 'node',
    // Node has no browser bundle loader: give tests ORT's Node (wasm) build.
    alias: { 'onnxruntime-web/webgpu': 'onnxruntime-web', 'onnxruntime-web/wasm': 'onnxruntime-web' },
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 120_000,
  },
}));
