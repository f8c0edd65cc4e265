/**
 * The UI-thread half of the baselines: the image's classifier features (and SAT's
 * masks) → CAM / LPCAM / SAT map → boxes, GT boxes and IoU, with the same
 * post-processing as GenPromp (src/shared/genpromp/aggregate.ts `localize`).
 * No worker call: a class, threshold or method-parameter change costs a few ms.
 */
import type { ImageAnalysis, PackSummary } from '../shared/api';
import { camMap, lpcamMap, satMap } from '../shared/baselines/maps';
import { localize } from '../shared/genpromp/aggregate';
import { groundTruth } from './derive';
import { hashFloat32 } from './keys';
import type { BaselineDisplay, BoxMode, LoadedImage, Method, MethodParams } from './types';

export type BaselineMethod = Exclude<Method, 'genpromp'>;
export const BASELINE_METHODS: BaselineMethod[] = ['cam', 'lpcam', 'sat'];

/** Why a baseline cannot be shown for this pack, or null when it can. */
export function baselineUnavailable(pack: PackSummary | null, method: BaselineMethod): string | null {
  const b = pack?.manifest.baselines;
  if (!pack || !b || !pack.baselines) return 'this model pack has no baselines (re-export it with python/scripts/build_toyworld_pack.py)';
  if (method === 'lpcam' && (!b.lpcam || !pack.baselines.lpcamPrototypes)) return 'this model pack has no LPCAM prototypes';
  if (method === 'sat' && !b.sat) return 'this model pack has no SAT model';
  return null;
}

/** The raw (feature-resolution) map and its [h, w]. */
export function baselineMap(
  method: BaselineMethod,
  pack: PackSummary,
  analysis: ImageAnalysis,
  classIndex: number,
  mp: Pick<MethodParams, 'lpcamContext' | 'satBlock'>,
): { map: Float32Array; size: [number, number] } {
  const why = baselineUnavailable(pack, method);
  const inputs = analysis.baselines;
  if (why || !inputs) throw new Error(`${method.toUpperCase()} is not available: ${why ?? 'the image was analysed without baseline features'}`);
  const f = inputs.features;
  if (method === 'cam') return { map: camMap(f, pack.baselines!.camHead, classIndex), size: [f.dims[1], f.dims[2]] };
  if (method === 'lpcam') {
    const ranges = pack.manifest.baselines!.lpcam!.ranges[classIndex];
    if (!ranges) throw new RangeError(`LPCAM has no prototypes for class ${classIndex}`);
    return { map: lpcamMap(f, pack.baselines!.lpcamPrototypes!, ranges, mp.lpcamContext), size: [f.dims[1], f.dims[2]] };
  }
  if (!inputs.sat) throw new Error('SAT is not available: the engine returned no SAT maps for this image');
  const bm = inputs.sat.blockMaps;
  return { map: satMap(bm, mp.satBlock), size: [bm.dims[1], bm.dims[2]] };
}

/**
 * The last result per method, with the raw map it came from: a threshold or box-mode
 * change (the slider's hot path) re-draws the boxes from the cached map and keeps the
 * frame map and its hash, as ./derive does for GenPromp.
 */
const memo = new Map<BaselineMethod, { mapKey: string; map: Float32Array; size: [number, number]; display: BaselineDisplay }>();

export function resetBaselineCache(): void {
  memo.clear();
}

export interface BaselineRequest {
  method: BaselineMethod;
  pack: PackSummary;
  packGen: number;
  analysis: ImageAnalysis;
  image: LoadedImage;
  classIndex: number;
  threshold: number;
  boxMode: BoxMode;
  methods: MethodParams;
}

export function computeBaselineDisplay(r: BaselineRequest): BaselineDisplay {
  const own = r.method === 'lpcam' ? `ctx${r.methods.lpcamContext}` : r.method === 'sat' ? `b${r.methods.satBlock}` : '';
  // SAT's map does not depend on the class.
  const cls = r.method === 'sat' ? '' : `c${r.classIndex}`;
  const mapKey = `p${r.packGen}|${r.analysis.imageKey}|i${r.image.id}|${r.method}|${cls}|${own}`;
  const key = `${mapKey}|tau${r.threshold.toFixed(2)}|${r.boxMode}`;
  const hit = memo.get(r.method);
  if (hit?.display.key === key) return hit.display;
  const sameMap = hit?.mapKey === mapKey;
  const { map, size } = sameMap ? hit : baselineMap(r.method, r.pack, r.analysis, r.classIndex, r.methods);
  const frame = r.analysis.frame;
  const loc = localize(map, size, frame, r.threshold, r.boxMode);
  const frameMap = sameMap ? hit.display.frameMap : loc.frameMap;
  const mapHash = sameMap ? hit.display.mapHash : hashFloat32(loc.frameMap);
  const display: BaselineDisplay = { key, frame, frameMap, mapHash, boxes: loc.boxes, ...groundTruth(r.image, frame, loc.boxes) };
  memo.set(r.method, { mapKey, map, size, display });
  return display;
}
