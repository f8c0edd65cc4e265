/** The engine's lifecycle: start, crash recovery, restart, device info. */
import { getEngine, MAX_CRASHES_PER_MINUTE, type CrashInfo } from '../../engine-client';
import { markOnce, STARTUP_MARKS } from '@shared/perfMarks';
import type { BackendPreference, DeviceInfo, EngineOptions } from '@shared/api';
import { EngineError } from '@shared/errors';
import { resolvePackPath } from '@shared/packUrl';
import { runtime } from '../runtime';
import { normalizePackUrl } from './pack';
import type { EngineStatus, Slice } from '../types';

export interface EngineSlice {
  device: DeviceInfo | null;
  engineStatus: EngineStatus;
  /**
   * Start the engine, read the pack list, load the default pack, read the samples (once `samplesAfter`
   * settles: the page's first view goes first). Idempotent.
   */
  boot(samplesAfter?: Promise<unknown>): void;
  /** The user's "restart the engine" button: a fresh Worker, then the current pack again. */
  restartEngine(): void;
  /** Drop the downloaded packs from the browser cache (the loaded pack keeps working). */
  clearModelCache(): Promise<void>;
  refreshDevice(): Promise<void>;
}

/** `?name=` of the page URL, if it is one of `options`. */
function queryOption<T extends string>(name: string, options: readonly T[]): T | undefined {
  const v = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get(name);
  return (options as readonly (string | null)[]).includes(v) ? (v as T) : undefined;
}

/**
 * The pack a lesson link in the page's hash names (its id in the list, or a pack URL): loaded first
 * instead of the default, so opening a link to another pack does not load two. The link's own
 * `pack` field then finds it loaded; a pack it cannot name falls back to the default (and the link
 * says what did not apply).
 */
function packInLink(packs: readonly { id: string; path: string }[]): string | null {
  if (typeof location === 'undefined' || location.hash.length < 2) return null;
  const v = new URLSearchParams(location.hash.slice(1)).get('pack');
  if (!v) return null;
  const listed = packs.find((p) => p.id === v);
  if (listed) return listed.path;
  const url = normalizePackUrl(v);
  return url.ok ? url.url : null;
}

export const createEngineSlice: Slice<EngineSlice> = (set, get) => {
  /** After a crash or a restart: forget the dead worker's work, keep the pack on screen until it reloads. */
  const forgetEngineWork = (): void => {
    runtime.forgetEngineWork();
    set((s) => ({ analysis: null, currentRaw: {}, loadingUrl: null, packStatus: s.pack ? 'idle' : s.packStatus }));
  };

  const onCrash = (info: CrashInfo): void => {
    forgetEngineWork();
    set({ engineStatus: 'starting' });
    if (info.recentCrashes > MAX_CRASHES_PER_MINUTE) {
      set({ engineStatus: 'failed' });
      get().reportError(
        new EngineError(
          'EngineNotReady',
          `The engine worker crashed ${info.recentCrashes} times in a minute (last: ${info.message}). Reload the page; if it keeps happening, try another browser or a smaller model pack.`,
        ),
      );
      return;
    }
    get().reportError(
      new EngineError(
        'EngineNotReady',
        `The engine worker stopped unexpectedly (${info.message}). It was restarted and the model pack is being reloaded.`,
      ),
    );
    void startEngine();
  };

  const startEngine = async (): Promise<void> => {
    const gen = runtime.engineGen;
    set({ engineStatus: 'starting' });
    markOnce(STARTUP_MARKS.engineStart);
    try {
      const precision = queryOption('precision', ['fp32', 'fp16', 'int8', 'q4f16'] as const) satisfies EngineOptions['precision'];
      const preference: BackendPreference = queryOption('backend', ['webgpu', 'wasm'] as const) ?? 'auto';
      const device = await getEngine().init(preference, { precision });
      if (gen !== runtime.engineGen) return;
      set({ device, engineStatus: 'ready' });
      markOnce(STARTUP_MARKS.engineReady);
    } catch (err) {
      if (gen !== runtime.engineGen) return;
      set({ engineStatus: 'failed' });
      get().reportError(err, 'Starting the engine');
      return;
    }
    let packs = get().packIndex;
    if (packs.length === 0) {
      const indexUrl = get().indexUrl;
      try {
        packs = (await getEngine().listPacks(indexUrl)).map((p) => ({ ...p, path: resolvePackPath(p.path, indexUrl) }));
        if (gen !== runtime.engineGen) return;
        set({ packIndex: packs });
      } catch (err) {
        if (gen !== runtime.engineGen) return;
        get().reportError(err, `Reading the list of model packs (${indexUrl})`);
      }
    }
    if (runtime.lastPackFolder) {
      await get().loadPackFolder(runtime.lastPackFolder);
      return;
    }
    const target = runtime.lastPackUrl ?? packInLink(packs) ?? (packs.find((p) => p.default) ?? packs[0])?.path ?? null;
    if (target) await get().loadPack(target);
  };

  return {
    device: null,
    engineStatus: 'starting',
    boot(samplesAfter = Promise.resolve()) {
      if (runtime.booted) return;
      runtime.booted = true;
      getEngine().onCrash(onCrash);
      void startEngine();
      void samplesAfter.catch(() => undefined).then(() => get().loadSamples());
    },
    restartEngine() {
      forgetEngineWork();
      set({ error: null });
      getEngine().restart('restarted from the page');
      void startEngine();
    },
    async clearModelCache() {
      try {
        await getEngine().clearCache();
        get().addNotice('Cached model files were deleted; the next load downloads them again.');
      } catch (err) {
        get().reportError(err, 'Clearing the model cache');
      }
    },
    async refreshDevice() {
      const gen = runtime.engineGen;
      try {
        const device = await getEngine().device();
        if (gen === runtime.engineGen) set({ device });
      } catch {
        // Not worth a banner: the badge keeps its last value.
      }
    },
  };
};
