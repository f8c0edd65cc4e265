/**
 * Error `name` (src/shared/errors.ts) → what the user reads: a title, the
 * engine's own message as detail, and what to do about it.
 */
import { isEngineErrorName, type EngineErrorName } from '@shared/errors';

export interface UserMessage {
  title: string;
  detail: string;
  action: string;
}

const TEXT: Record<EngineErrorName, { title: string; action: string }> = {
  PackNotFound: {
    title: 'Model pack not found',
    action:
      'Check the URL: it must point at a folder holding manifest.json, served over https with CORS allowed. The previous pack is still loaded.',
  },
  ManifestInvalid: {
    title: 'The model pack’s manifest is invalid',
    action:
      'Re-export the pack (`python -m wsolkit.pack rebuild <pack>`), or fix the field named above. The previous pack is still loaded.',
  },
  IntegrityError: {
    title: 'A model file failed its integrity check',
    action:
      'The download was corrupted, a file is missing, or the pack changed since its manifest was written. Try again; if it persists, clear the cached models, or re-export the pack.',
  },
  BackendUnavailable: {
    title: 'This browser cannot run that compute backend',
    action: 'Choose another backend (wasm runs everywhere); what was learned so far is kept.',
  },
  DownloadFailed: {
    title: 'Download failed',
    action: 'Check your connection (and, for a custom pack, that the server allows CORS), then try again.',
  },
  DownloadCancelled: {
    title: 'Download cancelled',
    action: 'Files that finished downloading are kept in the browser cache; loading the pack again fetches only the rest.',
  },
  StorageQuotaExceeded: {
    title: 'Not enough storage for this pack',
    action: 'Free space (clear cached models or other site data), or load the pack from a local folder, which is not cached.',
  },
  MemoryBudgetExceeded: {
    title: 'The pack is too large for WebAssembly',
    action: 'Use the smaller variant named above (add ?precision=… to the page address), or a device with WebGPU.',
  },
  ModelCreateFailed: {
    title: 'The model could not be started',
    action: 'The device may be out of memory. Close other tabs, try a smaller pack, or reload to retry on WebAssembly.',
  },
  ModelIOMismatch: {
    title: 'The model pack does not match this app',
    action:
      'The models’ inputs or outputs differ from what the manifest promises. Re-export the pack with the matching version of wsolkit.',
  },
  InvalidInput: {
    title: 'The engine rejected the request',
    action: 'Try another image or reset the controls. If it persists, reload the page.',
  },
  InvalidImage: {
    title: 'This image cannot be used',
    action: 'Pick another file: PNG, JPEG, GIF, WebP, BMP, AVIF or SVG. The previous image is still shown.',
  },
  EngineNotReady: {
    title: 'The engine is not ready',
    action: 'Wait for the model pack to finish loading. If the engine crashed, it restarts by itself; reload the page if it keeps failing.',
  },
  AbortError: {
    title: 'Cancelled',
    action: 'A newer request replaced this one; nothing to do.',
  },
};

const GENERIC = {
  title: 'Something went wrong',
  action: 'Try again. If it keeps happening, reload the page.',
};

export function describeError(name: string, message: string, context: string | null): UserMessage {
  const t = isEngineErrorName(name) ? TEXT[name] : GENERIC;
  const detail = context ? `${context}: ${message}` : message;
  return { title: t.title, detail, action: t.action };
}
