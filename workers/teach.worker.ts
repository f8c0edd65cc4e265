/** Teach worker entry: textual inversion in tfjs, beside the engine's worker (workers/teach/teacher.ts). */
import * as Comlink from 'comlink';
import { openPackCache } from './engine/packLoader';
import { Teacher } from './teach/teacher';
import { startTfBackend } from './teach/tfjsBackend';

Comlink.expose(
  new Teacher({
    fetch: (url, init) => fetch(url, init),
    openCache: openPackCache,
    // wasm: the fastest tfjs backend measured on CPUs (npm run bench, teach section).
    startBackend: () => startTfBackend('wasm'),
  }),
);
