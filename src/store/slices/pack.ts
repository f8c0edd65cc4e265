/** Model packs: the list, loading one (with progress), loading one from a typed URL. */
import { getEngine } from '../../engine-client';
import { markOnce, STARTUP_MARKS } from '@shared/perfMarks';
import type {
  BeforeDownload,
  DownloadPlan,
  PackFolder,
  PackIndexEntry,
  PackSummary,
  ProgressCallback,
  ProgressPhase,
  ProgressReport,
} from '@shared/api';
import { EngineError } from '@shared/errors';
import { ALL_METHODS, isSanityBaseline, ownParamsFor } from '@shared/methods/registry';
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
  /** Load a pack from a folder the user picked or dropped (validated like a download, not cached). */
  loadPackFolder(folder: PackFolder): Promise<boolean>;
  /** Stop the download in progress; the previous pack (if any) stays. */
  cancelPackLoad(): void;
  /** The last load the user cancelled (cleared when another load starts). */
  cancelledLoad: CancelledLoad | null;
  /** Whether the browser agreed to keep the cached pack (asked before big downloads only). */
  storagePersistence: StoragePersistence;
}

export interface CancelledLoad {
  url: string;
  /** Bytes of the pack's files done (cached or downloaded) when the user cancelled. */
  done: number;
  total: number;
}

/** 'not-asked': no download big enough to ask yet (the browser may prompt, so small packs do not). */
export type StoragePersistence = 'not-asked' | 'granted' | 'denied' | 'unsupported';

/** Downloads at least this big ask the browser to keep the cache (`navigator.storage.persist()`). */
export const PERSIST_ABOVE_BYTES = 100 * 1024 ** 2;

/** Ask for persistent storage before a big download, so a 4 GB pack is not evicted under storage pressure. */
export async function requestPersistence(plan: DownloadPlan, storage: StorageManager | undefined): Promise<StoragePersistence> {
  if (!storage?.persist || !storage.persisted) return 'unsupported';
  if (await storage.persisted()) return 'granted';
  if (plan.bytesToFetch < PERSIST_ABOVE_BYTES) return 'not-asked';
  return (await storage.persist()) ? 'granted' : 'denied';
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
  const available = ALL_METHODS.filter((d) => d.unavailable(pack.manifest) === null);
  // Sanity baselines are always available; they neither make a side-by-side view nor a default.
  const methods = available.filter((d) => !isSanityBaseline(d)).map((d) => d.id);
  return {
    method: available.some((d) => d.id === prev.method) ? prev.method : (methods[0] ?? 'genpromp'),
    layout: methods.length > 1 ? prev.layout : 'single',
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

  /** One load at a time from the UI's view: a newer load makes an older one's outcome irrelevant. */
  const runLoad = async (
    url: string,
    start: (onProgress: ProgressCallback) => Promise<PackSummary>,
    remember: () => void,
  ): Promise<boolean> => {
    const seq = ++runtime.packLoadSeq;
    const gen = runtime.engineGen;
    runtime.progressBuf = [];
    const before = { progress: get().progress, progressPhase: get().progressPhase };
    set({ packStatus: 'loading', loadingUrl: url, progress: {}, progressPhase: null, cancelledLoad: null });
    get().ensureResult();
    markOnce(STARTUP_MARKS.packLoadStart);
    try {
      const summary = await start((p) => onProgress(seq, p));
      if (seq !== runtime.packLoadSeq || gen !== runtime.engineGen) return false;
      markOnce(STARTUP_MARKS.packReady, summary.loadTimings);
      flushProgress();
      remember();
      runtime.maps.clear();
      set((s) => ({
        pack: summary,
        packGen: s.packGen + 1,
        // Classes taught in this browser belong to the pack (and engine) they were taught on.
        learned: [],
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
      // Before the load counts as done, so a lesson link naming a class learned here finds it.
      await get().restoreLearned();
      return true;
    } catch (err) {
      if (seq !== runtime.packLoadSeq || gen !== runtime.engineGen) return false;
      if ((err as Error)?.name === 'DownloadCancelled') {
        // Not an error: the user asked for it. Say how far it got and that a retry resumes.
        flushProgress();
        const dl = get().progress.download;
        const cancelledLoad = { url, done: dl?.done ?? 0, total: dl?.total ?? 0 };
        set((s) =>
          s.pack
            ? { packStatus: 'ready', loadingUrl: null, cancelledLoad, ...before }
            : { packStatus: 'cancelled', loadingUrl: null, cancelledLoad },
        );
        get().ensureResult();
        return false;
      }
      runtime.progressBuf = [];
      // The previous pack stays, and so does the summary of its load.
      set((s) => (s.pack ? { packStatus: 'ready', loadingUrl: null, ...before } : { packStatus: 'error', loadingUrl: null }));
      get().reportError(
        err,
        url.startsWith('folder:')
          ? `Loading the model pack from the folder ${decodeURIComponent(url.slice(7, -1))}`
          : `Loading the model pack at ${url}`,
      );
      void get().refreshDevice();
      get().ensureResult();
      return false;
    }
  };

  return {
    packIndex: [],
    cancelledLoad: null,
    storagePersistence: 'not-asked',
    indexUrl: new URL('models/index.json', baseUrl()).href,
    pack: null,
    packGen: 0,
    packStatus: 'idle',
    loadingUrl: null,
    progress: {},
    progressPhase: null,

    loadPack(url) {
      const beforeDownload: BeforeDownload = async (plan) => {
        // A browser that throws here must not stop the download: persistence is a wish, not a requirement.
        const persistence = await requestPersistence(plan, typeof navigator === 'undefined' ? undefined : navigator.storage).catch(
          () => 'unsupported' as const,
        );
        set({ storagePersistence: persistence });
      };
      return runLoad(
        url,
        (onProgress) => getEngine().loadPack(url, onProgress, beforeDownload),
        () => {
          runtime.lastPackUrl = url;
          runtime.lastPackFolder = null;
        },
      );
    },

    loadPackFolder(folder) {
      return runLoad(
        `folder:${encodeURIComponent(folder.name)}/`,
        (onProgress) => getEngine().loadPackFolder(folder, onProgress),
        () => {
          runtime.lastPackFolder = folder;
          runtime.lastPackUrl = null;
        },
      );
    },

    cancelPackLoad() {
      if (get().packStatus !== 'loading') return;
      void getEngine()
        .cancelPackLoad()
        .catch((err: unknown) => get().reportError(err, 'Cancelling the pack download'));
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
