/**
 * Parameters: the shared ones (class, threshold, box mode), each method's own, the
 * method choice and the view. Setters are cheap: the work happens in ensureResult.
 */
import { round2, sortedNums } from '@shared/genpromp/method';
import type { MethodId, OwnParams } from '@shared/methods/registry';
import type { BoxMode, Colormap, Layout, MethodChoice, SharedParams, Slice, ViewParams } from '../types';

export { round2, sortedNums };
export const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

export interface ParamsSlice {
  params: SharedParams;
  /** Each method's own parameters (GenPromp's λ, timesteps, resolutions; LPCAM's context switch…). */
  own: OwnParams;
  methods: MethodChoice;
  view: ViewParams;
  setClass(classIndex: number): void;
  setThreshold(v: number): void;
  setBoxMode(boxMode: BoxMode): void;
  /** Change some of a method's own parameters. */
  setOwn<M extends MethodId>(method: M, patch: Partial<OwnParams[M]>): void;
  setLambda(v: number): void;
  toggleTimestep(t: number): void;
  toggleResolution(r: number): void;
  setMethod(method: MethodId): void;
  setLayout(layout: Layout): void;
  setColormap(colormap: Colormap): void;
  setOpacity(v: number): void;
  setShowGt(showGt: boolean): void;
  setCompareBaselines(on: boolean): void;
}

/** Until a pack is loaded; replaced by the manifest's defaults on every pack load. */
export const INITIAL_PARAMS: SharedParams = { classIndex: null, threshold: 0.5, boxMode: 'largest' };
export const INITIAL_OWN: OwnParams = {
  genpromp: { lambda: 0, timesteps: [], resolutions: [], groups: null },
  cam: {},
  lpcam: { context: true },
  sat: { block: 'mean' },
  gaussian: {},
  random: {},
  sobel: {},
};

/** Add or remove `v`, keeping at least one selected (null: the change is refused). */
function toggle(list: number[], v: number): number[] | null {
  const next = list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
  return next.length === 0 ? null : sortedNums(next);
}

export const createParamsSlice: Slice<ParamsSlice> = (set, get) => {
  const setParams = (patch: Partial<SharedParams>): void => {
    set((s) => ({ params: { ...s.params, ...patch }, failed: {} }));
    get().ensureResult();
  };
  const setGenpromp = (patch: Partial<OwnParams['genpromp']>): void => get().setOwn('genpromp', patch);
  return {
    params: INITIAL_PARAMS,
    own: INITIAL_OWN,
    methods: { method: 'genpromp', layout: 'single' },
    view: { colormap: 'viridis', opacity: 0.55, showGt: true, compareBaselines: false },
    setClass: (classIndex) => setParams({ classIndex }),
    setThreshold: (v) => setParams({ threshold: round2(clamp01(v)) }),
    setBoxMode: (boxMode) => setParams({ boxMode }),
    setOwn(method, patch) {
      set((s) => ({ own: { ...s.own, [method]: { ...s.own[method], ...patch } }, failed: {} }));
      get().ensureResult();
    },
    setLambda: (v) => setGenpromp({ lambda: round2(clamp01(v)) }),
    toggleTimestep(t) {
      const next = toggle(get().own.genpromp.timesteps, t);
      if (next) setGenpromp({ timesteps: next });
    },
    toggleResolution(r) {
      const next = toggle(get().own.genpromp.resolutions, r);
      // The main controls choose whole resolutions: a narrower group choice (the lab's grid) ends.
      if (next) setGenpromp({ resolutions: next, groups: null });
    },
    setMethod(method) {
      set({ methods: { method, layout: 'single' } });
      get().ensureResult();
    },
    setLayout(layout) {
      set((s) => ({ methods: { ...s.methods, layout } }));
      get().ensureResult();
    },
    setColormap: (colormap) => set((s) => ({ view: { ...s.view, colormap } })),
    setOpacity: (v) => set((s) => ({ view: { ...s.view, opacity: clamp01(v) } })),
    setShowGt: (showGt) => set((s) => ({ view: { ...s.view, showGt } })),
    setCompareBaselines(compareBaselines) {
      set((s) => ({ view: { ...s.view, compareBaselines } }));
      get().ensureResult();
    },
  };
};
