/**
 * The one way a map is derived, for every method: cached raw maps → aggregation
 * (the method's own) → upsampling, normalisation and boxes (shared `localize`) →
 * ground truth and IoU. Raw and aggregated maps live in one LRU (runtime.maps):
 * a threshold or box-mode change re-draws the boxes from the cached aggregate and
 * keeps the previous frame map and its hash; a timestep or resolution change
 * re-aggregates cached raw maps without the worker.
 */
import type { LearnedClass, PackSummary, StageTimings } from '@shared/api';
import { localize } from '@shared/genpromp/aggregate';
import { iou } from '@shared/metrics';
import { failureType } from '@shared/metrics/failure';
import { iouTauCurve, type TauCurve } from '@shared/metrics/tauCurve';
import type { AnyMethod } from '@shared/methods/registry';
import type { NativeMap } from '@shared/methods/types';
import { scaleGtBox, type Box } from '@shared/postprocess';
import { hashFloat32, type MethodKeys } from './keys';
import { runtime, type RawEntry } from './runtime';
import type { Analysis, BoxMode, GtSource, LoadedImage, MethodResult } from './types';

export interface DeriveInput {
  pack: PackSummary;
  analysis: Analysis;
  image: LoadedImage;
  own: unknown;
  classIndex: number;
  /** The class when it was taught in this browser, else null. */
  learned: LearnedClass | null;
  threshold: number;
  boxMode: BoxMode;
  /** A box the user drew (original pixels); overrides the sample's boxes. */
  drawnGt: Box | null;
}

/** The cached raw maps of a rawKey; a UI-thread method computes (and caches) them on first use. */
export function rawMaps(def: AnyMethod, keys: MethodKeys, d: DeriveInput): RawEntry | undefined {
  const cached = runtime.maps.get(`raw|${keys.rawKey}`) as RawEntry | undefined;
  if (cached || def.source === 'engine') return cached;
  const entry: RawEntry = {
    raw: def.raw({ pack: d.pack, analysis: d.analysis, image: d.image.pixels, classIndex: d.classIndex, learned: d.learned, own: d.own }),
    timings: null,
  };
  runtime.maps.set(`raw|${keys.rawKey}`, entry);
  return entry;
}

/** Store a worker answer, merged with what the same rawKey already had. */
export function putEngineMaps(def: AnyMethod & { source: 'engine' }, rawKey: string, raw: unknown, timings: StageTimings): RawEntry {
  const have = runtime.maps.get(`raw|${rawKey}`) as RawEntry | undefined;
  const entry: RawEntry = { raw: def.merge(have?.raw, raw), timings };
  runtime.maps.set(`raw|${rawKey}`, entry);
  return entry;
}

/** The aggregated native-size map of `keys`, cached in the map LRU (shared with the lab's λ strip). */
export function aggregated(def: AnyMethod, keys: MethodKeys, entry: RawEntry, d: Pick<DeriveInput, 'own' | 'pack'>): NativeMap {
  let native = runtime.maps.get(`agg|${keys.aggKey}`) as NativeMap | undefined;
  if (!native) {
    native = def.aggregate(entry.raw, d.own, d.pack.manifest);
    runtime.maps.set(`agg|${keys.aggKey}`, native);
  }
  return native;
}

/**
 * The method's result for the current parameters, or null while an engine method's
 * raw maps have not arrived. Throws (a named error) when a map cannot be derived.
 */
export function deriveResult(def: AnyMethod, keys: MethodKeys, d: DeriveInput, prev: MethodResult | undefined): MethodResult | null {
  const entry = rawMaps(def, keys, d);
  if (!entry) return null;

  // 1. Aggregate (cheap: native-sized), unless cached for these parameters.
  const native = aggregated(def, keys, entry, d);

  // 2. Upsample to the frame, threshold, boxes.
  const frame = d.analysis.frame;
  const loc = localize(native.map, native.size, frame, d.threshold, d.boxMode);

  // 3. Keep the previous frame map (and thus its hash and colour overlay) when only
  //    the threshold or box mode changed: the map itself is identical.
  const sameMap =
    prev !== undefined &&
    prev.aggKey === keys.aggKey &&
    prev.imageId === d.image.id &&
    prev.frame[0] === frame[0] &&
    prev.frame[1] === frame[1];
  const frameMap = sameMap ? prev.frameMap : loc.frameMap;
  const mapHash = sameMap ? prev.mapHash : hashFloat32(loc.frameMap);
  const gt = groundTruth(d.image, frame, loc.boxes, d.drawnGt);
  const tauCurve = gt.gtBoxes.length === 0 ? null : cachedTauCurve(keys.aggKey, frame, frameMap, gt.gtBoxes, d.boxMode);
  return {
    key: keys.displayKey,
    aggKey: keys.aggKey,
    imageId: d.image.id,
    frame,
    frameMap,
    mapHash,
    boxes: loc.boxes,
    boxMode: d.boxMode,
    rawRange: sameMap ? prev.rawRange : loc.rawRange,
    ...gt,
    tauCurve,
    failure: failureType(loc.boxes, gt.gtBoxes),
    timings: { ...d.analysis.timings, ...(entry.timings ?? {}) },
    note: def.note(
      { pack: d.pack, analysis: d.analysis, image: d.image.pixels, classIndex: d.classIndex, learned: d.learned, own: d.own },
      entry.raw,
    ),
  };
}

/**
 * The τ curve does not depend on τ: it is cached (runtime.tauCurves) per map, frame,
 * ground truth and box mode, so τ moves and returns to an earlier class or λ reuse it. A new
 * one traces contours at up to 100 levels (tens of ms on a 128–224 px frame).
 */
function cachedTauCurve(aggKey: string, frame: [number, number], frameMap: Float32Array, gtBoxes: Box[], boxMode: BoxMode): TauCurve {
  const key = `${aggKey}|${frame.join('x')}|${gtBoxes.map((b) => b.join(',')).join(';')}|${boxMode}`;
  let curve = runtime.tauCurves.get(key);
  if (!curve) {
    curve = iouTauCurve(frameMap, frame[0], frame[1], gtBoxes, boxMode);
    runtime.tauCurves.set(key, curve);
  }
  return curve;
}

/**
 * Ground truth (original pixels → frame, GenPromp's convention) and the best IoU of the predicted
 * boxes; null IoU without GT. A drawn box replaces the sample's boxes.
 */
export function groundTruth(
  image: LoadedImage,
  frame: [number, number],
  boxes: Box[],
  drawnGt: Box | null = null,
): { gtBoxes: Box[]; iou: number | null; gtSource: GtSource | null } {
  const source: Box[] = drawnGt ? [drawnGt] : (image.sample?.boxes ?? []);
  const gtBoxes: Box[] = source.map((b) => scaleGtBox(b, [image.pixels.height, image.pixels.width], frame));
  if (gtBoxes.length === 0) return { gtBoxes, iou: null, gtSource: null };
  let best = 0;
  for (const p of boxes) for (const g of gtBoxes) best = Math.max(best, iou(p, g));
  return { gtBoxes, iou: best, gtSource: drawnGt ? 'drawn' : 'sample' };
}
