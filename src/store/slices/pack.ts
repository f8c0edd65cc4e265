/** Model packs: the list, loading one (with progress), loading one from a typed URL. */
import { getEngine } from '../../engine-client';
import type { PackIndexEntry, PackSummary, ProgressPhase, ProgressReport } from '@shared/api';
import { EngineError } from '@shared/errors';
import { ALL_METHODS, ownParamsFor } from '@shared/methods/registry';
import { resolvePackPath } from '@shared/packUrl';
import { baseUrl } from '../base';
import { raf, runtime } from '../runtime';
import type { MethodChoice, PackStatus, Slice } from '../types';
import { clamp01, round2 } from './params';

export interface PackSlice {
  packIndex: PackIndexEntry[];
  /** Absolute URL of models/index.json. */
  indexUrl: string;
  pack: PackSummary | null;
  /** Increments on every successful load; analyses and maps carry it. */
  packGen: number;
  packStatus: PackStatus;
  /** Base URL being loaded right now. */
  loadingUrl: string | null;
  /** Latest report per phase of the current pack load. */
  progress: Partial<Record<ProgressPhase, ProgressReport>>;
  /** Phase of the most recent report. */
  progressPhase: ProgressPhase | null;
  /** Load (download, verify, create, warm up) the pack at `baseUrl`. On failure the previous pack stays. */
  loadPack(baseUrl: string): Promise<boolean>;
  /** Load what the user typed into the pack URL field. Invalid input → error banner, nothing else changes. */
  loadPackFromUrl(input: string): void;
}

/** Validate what the user typed as a pack location. Returns an absolute base URL ending in '/'. */
export function normalizePackUrl(input: string): { ok: true; url: string } | { ok: false; message: string } {
  const text = input.trim();
  if (!text) return { ok: false, message: 'Type the URL of a model pack folder (the one holding manifest.json).' };
  let u: URL;
  try {
    u = new URL(text, typeof location === 'undefined' ? undefined : location.href);
  } catch {
    return { ok: false, message: `"${text}" is not a URL. Use e.g. https://example.org/packs/my-pack/` };
  }
  const local = typeof location !== 'undefined' && u.origin === location.origin;
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && (local || loopback))) {
    return { ok: false, message: `Only https:// pack URLs can be loaded (got ${u.protocol}//…). The server must also send CORS headers.` };
  }
  return { ok: true, url: resolvePackPath(u.href, u.href) };
}

/** Keep the user's method choice across packs, minus what the new pack cannot show. */
export function methodsForPack(prev: MethodChoice, pack: PackSummary): MethodChoice {
  const available = ALL_METHODS.filter((d) => d.unavailable(pack.manifest) === null).map((d) => d.id);
  return {
    method: available.includes(prev.method) ? prev.method : (available[0] ?? 'genpromp'),
    layout: available.length > 1 ? prev.layout : 'single',
  };
}

export const createPackSlice: Slice<PackSlice> = (set, get) => {
  const flushProgress = (): void => {
    runtime.progressScheduled = false;
    const buf = runtime.progressBuf;
    if (buf.length === 0) return;
    const next = { ...get().progress };
    for (const r of buf) next[r.phase] = r;
    runtime.progressBuf = [];
    set({ progress: next, progressPhase: buf[buf.length - 1]!.phase });
  };

  const onProgress = (seq: number, p: ProgressReport): void => {
    if (seq !== runtime.packLoadSeq) return;
    runtime.progressBuf.push(p);
    if (!runtime.progressScheduled) {
      runtime.progressScheduled = true;
      raf(flushProgress);
    }
  };

  return {
    packIndex: [],
    indexUrl: new URL('models/index.json', baseUrl()).href,
    pack: null,
    packGen: 0,
    packStatus: 'idle',
    loadingUrl: null,
    progress: {},
    progressPhase: null,

    async loadPack(url) {
      const seq = ++runtime.packLoadSeq;
      const gen = runtime.engineGen;
      runtime.progressBuf = [];
      const before = { progress: get().progress, progressPhase: get().progressPhase };
      set({ packStatus: 'loading', loadingUrl: url, progress: {}, progressPhase: null });
      get().ensureResult();
      try {
        const summary = await getEngine().loadPack(url, (p) => onProgress(seq, p));
        if (seq !== runtime.packLoadSeq || gen !== runtime.engineGen) return false;
        flushProgress();
        runtime.lastPackUrl = url;
        runtime.maps.clear();
        set((s) => ({
          pack: summary,
          packGen: s.packGen + 1,
          packStatus: 'ready',
          loadingUrl: null,
          params: { classIndex: null, threshold: round2(clamp01(summary.manifest.defaultThreshold)), boxMode: 'largest' },
          own: ownParamsFor(summary.manifest, s.own),
          methods: methodsForPack(s.methods, summary),
          analysis: null,
          results: {},
          currentRaw: {},
          failed: {},
        }));
        void get().refreshDevice();
        get().ensureResult();
        return true;
      } catch (err) {
        if (seq !== runtime.packLoadSeq || gen !== runtime.engineGen) return false;
        runtime.progressBuf = [];
        // The previous pack stays, and so does the summary of its load.
        set((s) => (s.pack ? { packStatus: 'ready', loadingUrl: null, ...before } : { packStatus: 'error', loadingUrl: null }));
        get().reportError(err, `Loading the model pack at ${url}`);
        void get().refreshDevice();
        get().ensureResult();
        return false;
      }
    },

    loadPackFromUrl(input) {
      const r = normalizePackUrl(input);
      if (!r.ok) {
        get().reportError(new EngineError('PackNotFound', r.message), 'Loading a pack from a URL');
        return;
      }
      void get().loadPack(r.url);
    },
  };
};
