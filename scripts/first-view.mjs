// npm run first-view [-- <pack id>]: writes public/first-view.json through scripts/firstView.ts,
// loaded by a Vite dev server's SSR loader so the TypeScript and the '@shared' alias resolve as in the
// app (and ORT's browser entries resolve to its Node build, as in the Vitest config). The server stays
// up while the engine runs: ORT is imported lazily.
import { createServer } from 'vite';

const root = new URL('../', import.meta.url).pathname;
const server = await createServer({
  configFile: false,
  root,
  logLevel: 'warn',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false },
  optimizeDeps: { noDiscovery: true, include: [] },
  resolve: {
    alias: { '@shared': `${root}src/shared`, 'onnxruntime-web/webgpu': 'onnxruntime-web', 'onnxruntime-web/wasm': 'onnxruntime-web' },
  },
});
try {
  const { writeFirstView } = await server.ssrLoadModule('/scripts/firstView.ts');
  const file = await writeFirstView(process.argv[2]);
  const sizes = Object.entries(file.methods).map(([id, m]) => `${id} ${m.size.join('×')}`);
  console.log(`wrote public/first-view.json: ${file.sample.file}, class ${file.classIndex}, τ ${file.threshold}; ${sizes.join(', ')}`);
} finally {
  await server.waitForRequestsIdle?.();
  await server.close();
}
