/**
 * The gallery benchmark: every gallery image with ground truth through every method the pack
 * can show (sanity baselines included: they cost nothing), at the ground-truth class and each
 * method's current own parameters. Per method it keeps each image's IoU-vs-τ curve (all-contour
 * boxes, wsolevaluation's V2) and whether the largest-contour box at the current τ reaches
 * IoU 0.5 (GT-known Loc); scores and the protocol lesson are recomputed after every image, so
 * the plot grows while it runs.
 *
 * It runs through the same engine as the page (analysis, then each engine method's maps) and
 * the same aggregation and box code as the live view. The engine's maps queue is "latest wins"
 * per method, so when the user changes a parameter mid-run the benchmark's request can be
 * superseded; it is then asked again (the page's own request is re-sent by `ensureResult`).
 */
import { getEngine } from '../../engine-client';
import type { ImageAnalysis, ImagePixels } from '@shared/api';
import { EngineError, isAbort } from '@shared/errors';
import { localize } from '@shared/genpromp/aggregate';
import { ALL_METHODS, type AnyMethod, type MethodId } from '@shared/methods/registry';
import { maxIou } from '@shared/metrics';
import type { BoxAccResult } from '@shared/metrics/boxAcc';
import { boxAccOf, type GallerySplit, meanBoxAccCurve, type ProtocolLesson, protocolLesson, splitGallery } from '@shared/metrics/protocol';
import { iouTauCurve } from '@shared/metrics/tauCurve';
import { scaleGtBox } from '@shared/postprocess';
import { runtime } from '../runtime';
import type { AppState, Sample, Slice } from '../types';

/** GT-known Loc's IoU threshold (all reference codebases: IoU ≥ 0.5). */
const GT_KNOWN_IOU = 0.5;
/** A superseded engine request is asked again at most this many times. */
const MAX_SUPERSEDED_RETRIES = 5;

export type BenchmarkStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface BenchmarkMethodScore {
  method: MethodId;
  label: string;
  /** BoxAcc(τ, δ) over all images done, all-contour boxes. */
  boxAcc: BoxAccResult;
  /** Mean over δ of BoxAcc(τ, δ), in %, per τ (what the plot draws). */
  meanCurve: Float64Array;
  /** MaxBoxAccV2 over all images done, in %. */
  maxBoxAccV2: number;
  /** Share of images whose largest-contour box at the benchmark's τ has IoU ≥ 0.5 with the GT, in %. */
  gtKnownLoc: number;
  /** null until both halves of the split have an image. */
  protocol: ProtocolLesson | null;
}

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

/** A gallery image the benchmark can score: with ground truth and a class of the pack. */
interface BenchImage {
  sample: Sample & { boxes: NonNullable<Sample['boxes']> };
  classIndex: number;
}

/** Per method, over the images done: IoU-vs-τ curves (V2 boxes) and GT-known hits. */
interface Tally {
  def: AnyMethod;
  curves: Float64Array[];
  gtKnownHits: number;
}

function benchImages(s: AppState): BenchImage[] {
  const classes = s.pack?.manifest.classes ?? [];
  const out: BenchImage[] = [];
  for (const sample of s.samples ?? []) {
    const cls = classes.find((c) => c.name === sample.label);
    if (cls && sample.boxes && sample.boxes.length > 0) out.push({ sample: { ...sample, boxes: sample.boxes }, classIndex: cls.index });
  }
  return out;
}

function scoresOf(tallies: readonly Tally[], split: GallerySplit, done: number): BenchmarkMethodScore[] {
  const doneIdx = (idx: readonly number[]) => idx.filter((i) => i < done);
  const partial = { validation: doneIdx(split.validation), test: doneIdx(split.test) };
  const all = Array.from({ length: done }, (_, i) => i);
  return tallies.map((t) => {
    const boxAcc = boxAccOf(t.curves, all);
    return {
      method: t.def.id,
      label: t.def.label,
      boxAcc,
      meanCurve: meanBoxAccCurve(boxAcc),
      maxBoxAccV2: boxAcc.mean,
      gtKnownLoc: done === 0 ? 0 : (t.gtKnownHits * 100) / done,
      protocol: partial.validation.length > 0 && partial.test.length > 0 ? protocolLesson(t.curves, partial) : null,
    };
  });
}

export const createBenchmarkSlice: Slice<BenchmarkSlice> = (set, get) => {
  /** The run in progress (a token: cancel and a newer run make an older loop stop). */
  let active: object | null = null;

  /** An engine method's raw maps for one image, asked again when a page request superseded it. */
  const engineRaw = async (def: AnyMethod & { source: 'engine' }, analysis: ImageAnalysis, classIndex: number, own: unknown) => {
    const params = def.request(undefined, own);
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await getEngine().maps({ method: def.id, imageKey: analysis.imageKey, classIndex, params });
        return def.merge(undefined, res.raw);
      } catch (err) {
        if (!isAbort(err) || attempt >= MAX_SUPERSEDED_RETRIES) throw err;
      }
    }
  };

  /** One image through every method: its V2 IoU-vs-τ curve and GT-known hit per method. */
  const runImage = async (img: BenchImage, pixels: ImagePixels, tallies: Tally[], threshold: number, still: () => boolean) => {
    const s = get();
    const pack = s.pack!;
    const analysis = await getEngine().analyzeImage(pixels);
    const gt = img.sample.boxes.map((b) => scaleGtBox(b, [pixels.height, pixels.width], analysis.frame));
    for (const t of tallies) {
      if (!still()) return;
      const own: unknown = get().own[t.def.id];
      const raw =
        t.def.source === 'engine'
          ? await engineRaw(t.def, analysis, img.classIndex, own)
          : t.def.raw({ pack, analysis, image: pixels, classIndex: img.classIndex, own });
      const native = t.def.aggregate(raw, own, pack.manifest);
      const loc = localize(native.map, native.size, analysis.frame, threshold, 'largest');
      t.curves.push(iouTauCurve(loc.frameMap, analysis.frame[0], analysis.frame[1], gt, 'all').ious);
      if (loc.boxes.some((b) => maxIou(b, gt) >= GT_KNOWN_IOU)) t.gtKnownHits++;
      // Let the page paint between methods (a τ curve traces contours at 100 levels).
      await new Promise((r) => setTimeout(r, 0));
    }
  };

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
      const images = benchImages(s);
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
      const files = images.map((i) => i.sample.file);
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
      const manifest = s.pack.manifest;
      const tallies: Tally[] = ALL_METHODS.filter((d) => d.unavailable(manifest) === null).map((def) => ({
        def,
        curves: [],
        gtKnownHits: 0,
      }));
      const started = performance.now();
      set({ benchmark: { ...IDLE_BENCHMARK, status: 'running', total: images.length, threshold, files, split, current: files[0]! } });
      try {
        for (const [n, img] of images.entries()) {
          const res = await fetch(new URL(img.sample.file, get().samplesBase));
          if (!res.ok) throw new EngineError('DownloadFailed', `The sample ${img.sample.file} could not be fetched (HTTP ${res.status}).`);
          const pixels = await decode(await res.blob(), img.sample.file);
          if (!still()) return stopped();
          await runImage(img, pixels, tallies, threshold, still);
          if (!still()) return stopped();
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
