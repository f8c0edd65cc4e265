/**
 * The gallery benchmark's per-image step and scores, shared by the app (src/store/slices/benchmark.ts),
 * the bench page (bench/page.ts) and its Node test: any engine with `analyzeImage` and `maps`.
 *
 * One image goes through every method the pack can show (sanity baselines included: they cost
 * nothing), at the ground-truth class and each method's own parameters, with the same aggregation
 * and box code as the live view. Per method it keeps each image's IoU-vs-τ curve (all-contour
 * boxes, wsolevaluation's V2) and whether the largest-contour box at the benchmark's τ reaches
 * IoU 0.5 (GT-known Loc).
 */
import type { EngineApi, ImagePixels, PackSummary } from '../api';
import { isAbort } from '../errors';
import { localize } from '../genpromp/aggregate';
import type { Manifest } from '../manifest';
import { ALL_METHODS, type AnyMethod, type MethodId } from '../methods/registry';
import { scaleGtBox } from '../postprocess';
import type { Box } from '../postprocess/types';
import type { BoxAccResult } from './boxAcc';
import { maxIou } from './iou';
import { boxAccOf, type GallerySplit, meanBoxAccCurve, type ProtocolLesson, protocolLesson } from './protocol';
import { iouTauCurve } from './tauCurve';

/** GT-known Loc's IoU threshold (all reference codebases: IoU ≥ 0.5). */
export const GT_KNOWN_IOU = 0.5;
/** The engine's maps queue is "latest wins" per method: a request superseded by the page's is asked again at most this often. */
const MAX_SUPERSEDED_RETRIES = 5;

export type BenchEngine = Pick<EngineApi, 'analyzeImage' | 'maps'>;

/** A gallery image the benchmark can score: ground-truth boxes (original pixels) and a class of the pack. */
export interface BenchImage {
  file: string;
  boxes: Box[];
  classIndex: number;
}

/** Gallery entries with boxes whose label names a class of the pack, in gallery order. */
export function benchImages(samples: readonly { file: string; label: string; boxes?: Box[] }[], m: Manifest): BenchImage[] {
  const out: BenchImage[] = [];
  for (const s of samples) {
    const cls = m.classes.find((c) => c.name === s.label);
    if (cls && s.boxes && s.boxes.length > 0) out.push({ file: s.file, boxes: s.boxes, classIndex: cls.index });
  }
  return out;
}

/** Per method, over the images done: IoU-vs-τ curves (V2 boxes) and GT-known hits. */
export interface MethodTally {
  def: AnyMethod;
  curves: Float64Array[];
  gtKnownHits: number;
}

export function newTallies(m: Manifest): MethodTally[] {
  return ALL_METHODS.filter((d) => d.unavailable(m) === null).map((def) => ({ def, curves: [], gtKnownHits: 0 }));
}

export interface BenchImageRun {
  engine: BenchEngine;
  pack: PackSummary;
  /** Each method's own parameters (the page's current ones, or the pack's defaults). */
  ownOf: (method: MethodId) => unknown;
  /** The τ GT-known Loc is read at. */
  threshold: number;
  /** False once the run was cancelled: the image stops between methods. */
  still?: () => boolean;
  /** Called between methods (the app yields to the page there: a τ curve traces contours at 100 levels). */
  between?: () => Promise<void>;
}

/** An engine method's raw maps for one image, asked again when a newer request superseded it. */
async function engineRaw(engine: BenchEngine, def: AnyMethod & { source: 'engine' }, imageKey: string, classIndex: number, own: unknown) {
  const params = def.request(undefined, own);
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await engine.maps({ method: def.id, imageKey, classIndex, params });
      return def.merge(undefined, res.raw);
    } catch (err) {
      if (!isAbort(err) || attempt >= MAX_SUPERSEDED_RETRIES) throw err;
    }
  }
}

/** One image through every tallied method; returns false when `still()` turned false midway (the image is then not counted). */
export async function scoreImage(run: BenchImageRun, img: BenchImage, pixels: ImagePixels, tallies: MethodTally[]): Promise<boolean> {
  const { engine, pack, threshold } = run;
  const analysis = await engine.analyzeImage(pixels);
  const gt = img.boxes.map((b) => scaleGtBox(b, [pixels.height, pixels.width], analysis.frame));
  const rows: { curve: Float64Array; hit: boolean }[] = [];
  for (const t of tallies) {
    if (run.still && !run.still()) return false;
    const own = run.ownOf(t.def.id);
    const raw =
      t.def.source === 'engine'
        ? await engineRaw(engine, t.def, analysis.imageKey, img.classIndex, own)
        : t.def.raw({ pack, analysis, image: pixels, classIndex: img.classIndex, learned: null, own });
    const native = t.def.aggregate(raw, own, pack.manifest);
    const loc = localize(native.map, native.size, analysis.frame, threshold, 'largest');
    rows.push({
      curve: iouTauCurve(loc.frameMap, analysis.frame[0], analysis.frame[1], gt, 'all').ious,
      hit: loc.boxes.some((b) => maxIou(b, gt) >= GT_KNOWN_IOU),
    });
    await run.between?.();
  }
  if (run.still && !run.still()) return false;
  // All methods or none: every tally keeps one curve per image done.
  for (const [k, t] of tallies.entries()) {
    t.curves.push(rows[k]!.curve);
    if (rows[k]!.hit) t.gtKnownHits++;
  }
  return true;
}

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

/** Scores over the first `done` images (indices below `done` of the split). */
export function scoresOf(tallies: readonly MethodTally[], split: GallerySplit, done: number): BenchmarkMethodScore[] {
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
