/**
 * Narrow selectors. Each returns a primitive or a reference already held in the
 * state, so components re-render only when what they show changes. Selectors
 * that build objects are used with `useShallow`.
 */
import type { ProgressPhase } from '@shared/api';
import type { AttentionMaps } from '@shared/genpromp/aggregate';
import type { AttentionOutput, ClassEntry } from '@shared/manifest';
import { methodById, type MethodId } from '@shared/methods/registry';
import { methodKeys } from './keys';
import { visibleMethods } from './slices/results';
import type { AppState, CanvasState, MethodResult } from './types';

/** Why the pack cannot show `method`, or null (also null before a pack is loaded). */
export const selectUnavailable = (s: AppState, method: MethodId): string | null =>
  s.pack ? methodById(method).unavailable(s.pack.manifest) : null;

/** Whether `method`'s canvas shows the current parameters' map, is waiting for one, or has none. */
export const selectCanvasState = (s: AppState, method: MethodId = s.methods.method): CanvasState => {
  if (!s.image || selectUnavailable(s, method) !== null) return 'empty';
  const keys = methodKeys(s, methodById(method));
  if (keys && s.results[method]?.key === keys.displayKey && s.results[method]?.imageId === s.image.id) return 'ready';
  if (keys && (s.failed[keys.displayKey] || s.failed[keys.rawKey])) return 'empty';
  if (s.pending.analyze || s.pending.maps || s.pending.local || s.packStatus === 'loading' || s.engineStatus === 'starting') {
    return 'updating';
  }
  return 'empty';
};

/** The map is drawn only over the image it belongs to; dimmed unless it is current. */
export const selectDrawnResult = (s: AppState, method: MethodId = s.methods.method): MethodResult | null => {
  const r = s.results[method];
  return r && s.image && r.imageId === s.image.id && selectCanvasState(s, method) !== 'empty' ? r : null;
};

/** The method's result when it is the current parameters' (what scores and probes may read), else null. */
export const selectReadyResult = (s: AppState, method: MethodId): MethodResult | null =>
  selectCanvasState(s, method) === 'ready' ? selectDrawnResult(s, method) : null;

/**
 * A string that changes exactly when some visible method's current τ curve or score does:
 * the τ panel rebuilds its rows on it instead of comparing arrays of objects.
 */
export const selectScoresSignature = (s: AppState): string =>
  visibleMethods(s)
    .map((d) => {
      const r = selectReadyResult(s, d.id);
      return r?.tauCurve ? `${d.id}:${r.key}` : '';
    })
    .join('|');

/** True while the worker is computing something the current parameters need. */
export const selectModelBusy = (s: AppState): boolean => s.pending.analyze || s.pending.maps;

export { selectTopK } from './topK';

/** The pack's classes, then those taught in this browser (marked `learned`). Memoised. */
const NO_CLASSES: ClassEntry[] = [];
let classesCache: { pack: unknown; learned: unknown; value: ClassEntry[] } = { pack: null, learned: null, value: NO_CLASSES };
export const selectClasses = (s: AppState): ClassEntry[] => {
  const packClasses = s.pack?.manifest.classes;
  if (!packClasses) return NO_CLASSES;
  if (s.learned.length === 0) return packClasses;
  if (classesCache.pack !== packClasses || classesCache.learned !== s.learned) {
    classesCache = {
      pack: packClasses,
      learned: s.learned,
      value: [...packClasses, ...s.learned.map((c): ClassEntry => ({ index: c.index, name: c.name, displayName: c.name, learned: true }))],
    };
  }
  return classesCache.value;
};

const NO_NUMS: number[] = [];
export const selectTimestepChoices = (s: AppState): number[] => s.pack?.manifest.genpromp?.timestepChoices ?? NO_NUMS;

/** Timesteps whose GenPromp maps are already computed for this image, class and λ. Memoised on the raw maps. */
let computedCache: { raw: unknown; value: number[] } = { raw: undefined, value: NO_NUMS };
export const selectComputedTimesteps = (s: AppState): number[] => {
  const raw = s.currentRaw.genpromp as AttentionMaps | undefined;
  if (raw !== computedCache.raw)
    computedCache = {
      raw,
      value: raw
        ? Object.keys(raw)
            .map(Number)
            .sort((a, b) => a - b)
        : NO_NUMS,
    };
  return computedCache.value;
};

/** Distinct attention resolutions of the pack, ascending. Memoised on the outputs array. */
let resCache: { outputs: AttentionOutput[] | null; value: number[] } = { outputs: null, value: NO_NUMS };
export const selectResolutionChoices = (s: AppState): number[] => {
  const outputs = s.pack?.manifest.unetAttention ?? null;
  if (outputs !== resCache.outputs) {
    resCache = { outputs, value: outputs ? [...new Set(outputs.map((o) => o.resolution))].sort((a, b) => a - b) : NO_NUMS };
  }
  return resCache.value;
};

export interface PhaseProgress {
  phase: ProgressPhase;
  done: number;
  total: number;
  text: string;
  /** Download only, once measurable. */
  bytesPerSecond?: number;
  etaSeconds?: number;
}

const PHASES: ProgressPhase[] = ['download', 'verify', 'create', 'warmup'];

/**
 * One bar per phase from that phase's latest report: the engine reports
 * cumulative `done` over the phase's `total` (bytes over all files for
 * download/verify, models for create/warm-up), `item` naming the current file.
 */
export function aggregateProgress(progress: AppState['progress']): PhaseProgress[] {
  const out: PhaseProgress[] = [];
  for (const phase of PHASES) {
    const r = progress[phase];
    if (!r) continue;
    const rate =
      r.bytesPerSecond !== undefined && r.etaSeconds !== undefined ? { bytesPerSecond: r.bytesPerSecond, etaSeconds: r.etaSeconds } : {};
    out.push({ phase, done: Math.min(r.done, r.total), total: r.total, text: r.text, ...rate });
  }
  return out;
}
