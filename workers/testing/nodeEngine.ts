/** An Engine wired for Node tests and benchmarks: wasm backend, file:// fetch, no cache. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import type { ImagePixels } from '@shared/api';
import { Engine, type EngineDeps } from '../engine/engine';
import { createOrtBackend } from '../runtime/ortBackend';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** fetch() for file:// URLs (Node's fetch has none); 404 for missing files. */
export async function fileFetch(url: string): Promise<Response> {
  if (!url.startsWith('file:')) return fetch(url);
  try {
    return new Response(await readFile(fileURLToPath(url.split('?')[0]!)));
  } catch {
    return new Response('not found', { status: 404 });
  }
}

/** An engine on ORT's wasm backend in Node, fp32, no cache; `deps` replaces any of its parts (tests). */
export function nodeEngine(fetchFn: (url: string) => Promise<Response> = fileFetch, deps: Partial<EngineDeps> = {}): Engine {
  return new Engine({
    probe: async () => ({
      info: { backend: 'wasm', description: 'wasm (Node)', webgpu: null, wasmThreads: 1, crossOriginIsolated: false, fallbackReason: null },
    }),
    createBackend: (p) => createOrtBackend({ kind: p.info.backend, numThreads: 1 }),
    fetch: fetchFn,
    openCache: async () => null,
    forcePrecision: 'fp32',
    ...deps,
  });
}

export function packUrl(relative: string): string {
  return pathToFileURL(`${repoRoot}${relative}`).href.replace(/\/?$/, '/');
}

export async function readPng(path: string): Promise<ImagePixels> {
  const png = PNG.sync.read(await readFile(path));
  return { width: png.width, height: png.height, rgba: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}
