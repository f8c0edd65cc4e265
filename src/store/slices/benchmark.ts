/**
 * The gallery benchmark's state: every gallery image with ground truth through every method
 * (src/shared/metrics/galleryBenchmark.ts), at each method's current own parameters; scores and
 * the protocol lesson are recomputed after every image, so the plot grows while it runs.
 *
 * It runs through the page's engine. The engine's maps queue is "latest wins" per method, so
 * when the user changes a parameter mid-run the benchmark's request can be superseded; it is
 * then asked again (and the page's own request is re-sent by `ensureResult`).
 */
import { getEngine } from '../../engine-client';
import type { ImagePixels } from '@shared/api';
import type { MethodId } from '@shared/methods/registry';
import { EngineError } from '@shared/errors';
import { type BenchmarkMethodScore, benchImages, newTallies, scoreImage, scoresOf } from '@shared/metrics/galleryBenchmark';
import { type GallerySplit, splitGallery } from '@shared/metrics/protocol';
import { runtime } from '../runtime';
import type { Slice } from '../types';

export type BenchmarkStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface BenchmarkState {
  status: BenchmarkStatus;
  /** Images finished and images to run (gallery images with boxes and a class of this pack). */
  done: number;
  total: number;
  /** The file of the image being run. */
  current: string | null;
  /** Wall time from start to the last finished image, ms. */
  elapsedMs: number;
  /** The threshold GT-known Loc was read at (the page's τ when the run started). */
  threshold: number;
  /** Files of the images run, in order, and their validation/test split (indices into it). */
  files: string[];
  split: GallerySplit | null;
  scores: BenchmarkMethodScore[];
  /** Why the last run stopped early (failed), or null. */
  message: string | null;
}

export interface BenchmarkSlice {
  benchmark: BenchmarkState;
  /** Run the gallery benchmark; `decode` turns a fetched sample into pixels (the page's decoder). */
  runBenchmark(decode: (blob: Blob, name: string) => Promise<ImagePixels>): Promise<void>;
  cancelBenchmark(): void;
}

export const IDLE_BENCHMARK: BenchmarkState = {
  status: 'idle',
  done: 0,
  total: 0,
  current: null,
  elapsedMs: 0,
  threshold: 0,
  files: [],
  split: null,
  scores: [],
  message: null,
};

export const createBenchmarkSlice: Slice<BenchmarkSlice> = (set, get) => {
  /** The run in progress (a token: cancel and a newer run make an older loop stop). */
  let active: object | null = null;

  return {
    benchmark: IDLE_BENCHMARK,
    cancelBenchmark() {
      if (!active) return;
      active = null;
      set((s) => ({ benchmark: { ...s.benchmark, status: 'cancelled', current: null } }));
    },
    async runBenchmark(decode) {
      const s = get();
      if (!s.pack || s.engineStatus !== 'ready' || s.packStatus === 'loading') return;
      const images = benchImages(s.samples ?? [], s.pack.manifest);
      const token = {};
      active = token;
      const gen = runtime.engineGen;
      const packGen = s.packGen;
      const still = () => active === token && gen === runtime.engineGen && get().packGen === packGen;
      /** A run that stopped because the engine restarted or the pack changed says so (a cancel already did). */
      const stopped = () => {
        if (active === token)
          set({
            benchmark: { ...get().benchmark, status: 'cancelled', current: null, message: 'The pack changed or the engine restarted.' },
          });
      };
      const files = images.map((i) => i.file);
      const threshold = s.params.threshold;
      if (images.length < 2) {
        active = null;
        set({
          benchmark: {
            ...IDLE_BENCHMARK,
            status: 'failed',
            message: `The gallery has ${images.length} image(s) with ground truth for a class of this pack; the benchmark needs at least 2 (one per half).`,
          },
        });
        return;
      }
      const split = splitGallery(files);
      const tallies = newTallies(s.pack.manifest);
      const run = {
        engine: getEngine(),
        pack: s.pack,
        ownOf: (id: MethodId) => get().own[id] as unknown,
        threshold,
        still,
        // Let the page paint between methods (a τ curve traces contours at 100 levels).
        between: () => new Promise<void>((r) => setTimeout(r, 0)),
      };
      const started = performance.now();
      set({ benchmark: { ...IDLE_BENCHMARK, status: 'running', total: images.length, threshold, files, split, current: files[0]! } });
      try {
        for (const [n, img] of images.entries()) {
          const res = await fetch(new URL(img.file, get().samplesBase));
          if (!res.ok) throw new EngineError('DownloadFailed', `The sample ${img.file} could not be fetched (HTTP ${res.status}).`);
          const pixels = await decode(await res.blob(), img.file);
          if (!still()) return stopped();
          if (!(await scoreImage(run, img, pixels, tallies))) return stopped();
          set({
            benchmark: {
              ...get().benchmark,
              done: n + 1,
              current: files[n + 1] ?? null,
              elapsedMs: performance.now() - started,
              scores: scoresOf(tallies, split, n + 1),
            },
          });
        }
        set({ benchmark: { ...get().benchmark, status: 'done' } });
      } catch (err) {
        if (!still()) return stopped();
        set({ benchmark: { ...get().benchmark, status: 'failed', current: null, message: (err as Error)?.message ?? String(err) } });
        get().reportError(err, 'Running the gallery benchmark');
      } finally {
        if (active === token) active = null;
      }
    },
  };
};
