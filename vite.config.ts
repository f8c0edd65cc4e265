import { defineConfig } from 'vitest/config';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { docPages } from './scripts/docPages.ts';

// Multi-threaded wasm needs SharedArrayBuffer, which needs cross-origin isolation.
// Models and ORT's wasm are served same-origin, so require-corp costs nothing.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Content-Security-Policy: only what the app uses. Scripts and the module worker
 * come from this origin; 'wasm-unsafe-eval' lets ORT compile its wasm (no JS
 * eval). Packs load from this origin or any https URL, plus a pack server on
 * this machine (http://localhost / 127.0.0.1) for pack authors. Images: decoded
 * uploads (SVG goes through a blob: URL) and the data: favicon.
 */
function contentSecurityPolicy(dev: boolean): string {
  // The dev server inlines React Fast Refresh's preamble: allow exactly that script
  // by hash, and the <style> tags Vite's client injects for CSS modules.
  const preambleHash = `'sha256-${createHash('sha256').update(react.preambleCode.replace('__BASE__', '/')).digest('base64')}'`;
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${dev ? ` ${preambleHash}` : ''}`,
    "worker-src 'self'",
    "connect-src 'self' https: http://localhost:* http://127.0.0.1:*",
    "img-src 'self' blob: data:",
    `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

// `vite build --mode bench` builds the benchmark page alone into dist-bench/, so
// the production dist/ ships the app only.
/**
 * Built assets have content hashes in their names: browsers may keep them for good. That lets
 * Chrome reuse ORT's compiled wasm on the next visit instead of compiling its 14 MB again.
 */
function immutableAssets(): Plugin {
  return {
    name: 'wsol-immutable-assets',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.startsWith('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        next();
      });
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [react(), immutableAssets(), ...(mode === 'bench' ? [] : [docPages()])],
  // One alias for the isomorphic modules, as tsconfig.base.json's `paths`.
  resolve: { alias: { '@shared': fileURLToPath(new URL('./src/shared', import.meta.url)) } },
  server: { headers: { ...isolation, 'Content-Security-Policy': contentSecurityPolicy(true) }, host: '127.0.0.1' },
  preview: { headers: { ...isolation, 'Content-Security-Policy': contentSecurityPolicy(false) }, host: '127.0.0.1' },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 30_000,
    outDir: mode === 'bench' ? 'dist-bench' : 'dist',
    rollupOptions: {
      input: (mode === 'bench' ? { bench: 'bench/index.html', teach: 'bench/teach.html' } : { main: 'index.html' }) as Record<
        string,
        string
      >,
    },
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
