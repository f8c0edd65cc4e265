/** Worker entry: expose the engine built on onnxruntime-web to the UI thread. */
import * as Comlink from 'comlink';
import { Engine } from './engine/engine';
import { probeDevice } from './engine/device';
import { openPackCache } from './engine/packLoader';
import { createOrtBackend } from './runtime/ortBackend';
import { answerHeartbeats } from './heartbeat';

const engine = new Engine({
  probe: probeDevice,
  createBackend: (p) => createOrtBackend({ kind: p.info.backend, numThreads: p.info.wasmThreads, device: p.device }),
  fetch: (url, init) => fetch(url, init),
  openCache: openPackCache,
  storage: typeof navigator !== 'undefined' ? (navigator.storage ?? null) : null,
});

Comlink.expose(engine);
// Liveness for the page (lock + pings), beside Comlink's queue.
answerHeartbeats(self);
