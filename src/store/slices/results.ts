/**
 * Results: the image's analysis and each visible method's map.
 *
 * Staleness rules (see ../keys):
 * - every request is tagged with the key of the parameters it was sent for;
 *   answers are cached under that key and shown only while it is still current,
 *   so a late answer for an old λ/class/image is never shown as current;
 * - maps requests are "latest wins" per method: a request for new parameters is
 *   sent at once and the engine drops the older one (AbortError, ignored here);
 *   an identical request is never sent twice. Analysis is one at a time: when it
 *   settles, `ensureResult` looks at the *latest* image;
 * - everything after the raw maps (aggregation, threshold, boxes) is derived on
 *   the UI thread (../derive) once per animation frame.
 */
import { markOnce, STARTUP_MARKS } from '@shared/perfMarks';
import { getEngine } from '../../engine-client';
import type { MapsRequest } from '@shared/api';
import { EngineError, isAbort } from '@shared/errors';
import { ALL_METHODS, isSanityBaseline, type AnyMethod, type MethodId } from '@shared/methods/registry';
import { deriveResult, putEngineMaps } from '../derive';
import { analyzeKey, methodKeys } from '../keys';
import { selectTopK } from '../topK';
import { deriveLambdaStrip, deriveTimestepGrid, labRequest, labStale } from '../lab';
import { raf, runtime, type RawEntry } from '../runtime';
import type { AppState, LoadedImage, ResultsState, Slice } from '../types';

export interface ResultsSlice extends ResultsState {
  /**
   * Bring the results up to date with the current parameters: analyse the image,
   * request missing raw maps, or schedule the UI-thread derive. Cheap; call it after any change.
   */
  ensureResult(): void;
}

/** The methods on screen: the chosen one, or every method this pack can show side by side. */
export function visibleMethods(s: AppState): AnyMethod[] {
  const m = s.pack?.manifest;
  if (!m) return [];
  const shown =
    s.methods.layout === 'compare' ? comparedMethods(s.view.compareBaselines) : ALL_METHODS.filter((d) => d.id === s.methods.method);
  return shown.filter((d) => d.unavailable(m) === null);
}

/** The side-by-side view's methods: sanity baselines only when asked for. */
export function comparedMethods(withBaselines: boolean): readonly AnyMethod[] {
  return withBaselines ? ALL_METHODS : ALL_METHODS.filter((d) => !isSanityBaseline(d));
}

const IDLE = { analyze: false, maps: false, local: false };

export const createResultsSlice: Slice<ResultsSlice> = (set, get) => {
  const setPending = (p: ResultsState['pending']): void => {
    const cur = get().pending;
    if (cur.analyze !== p.analyze || cur.maps !== p.maps || cur.local !== p.local) set({ pending: p });
  };
  const fail = (key: string): void => set((s) => ({ failed: { ...s.failed, [key]: true } }));

  const runAnalyze = async (image: LoadedImage, packGen: number): Promise<void> => {
    const token = {};
    runtime.analyzeInFlight = token;
    const gen = runtime.engineGen;
    const current = () => gen === runtime.engineGen && get().image?.id === image.id && get().packGen === packGen;
    try {
      const a = await getEngine().analyzeImage(image.pixels);
      markOnce(STARTUP_MARKS.analysisReady, a.timings);
      if (current()) set({ analysis: { ...a, imageId: image.id, packGen } });
    } catch (err) {
      if (current() && !isAbort(err)) {
        fail(analyzeKey(image.id, packGen));
        get().reportError(err, `Analysing ${image.name}`);
        void get().refreshDevice();
      }
    } finally {
      if (runtime.analyzeInFlight === token) runtime.analyzeInFlight = null;
      if (gen === runtime.engineGen) get().ensureResult();
    }
  };

  const runMaps = async (
    def: AnyMethod & { source: 'engine' },
    own: unknown,
    req: MapsRequest,
    reqKey: string,
    rawKey: string,
    rawKeyFor: (own: unknown) => string | undefined,
  ): Promise<void> => {
    const token = {};
    runtime.mapsInFlight.set(def.id, { token, reqKey });
    const gen = runtime.engineGen;
    const packGen = get().packGen;
    try {
      const res = await getEngine().maps(req);
      markOnce(STARTUP_MARKS.mapsReady, { method: req.method, timings: res.timings });
      if (gen !== runtime.engineGen || get().packGen !== packGen) return;
      const r = res.request;
      if (r.method !== req.method || r.imageKey !== req.imageKey || r.classIndex !== req.classIndex) {
        console.warn('Dropped a maps response for other parameters', r, req);
        return;
      }
      // Cached under the key it was asked for, whatever the parameters are now.
      const entry = putEngineMaps(def, rawKey, res.raw, res.timings);
      // Maps for other own-parameter values computed in the same run (the λ strip's) get their own keys.
      for (const also of res.alsoComputed ?? []) {
        const key = rawKeyFor({ ...(own as object), ...also.own });
        if (key) putEngineMaps(def, key, also.raw, res.timings);
      }
      if (def.request(entry.raw, own) !== null && methodKeys(get(), def)?.rawKey === rawKey) {
        fail(rawKey);
        get().reportError(
          new EngineError('ModelIOMismatch', `The engine returned fewer ${def.label} maps than were asked for.`),
          `Computing the ${def.label} maps`,
        );
      }
    } catch (err) {
      if (gen === runtime.engineGen && !isAbort(err) && methodKeys(get(), def)?.rawKey === rawKey) {
        fail(rawKey);
        get().reportError(err, `Computing the ${def.label} maps`);
        void get().refreshDevice();
      }
    } finally {
      if (runtime.mapsInFlight.get(def.id)?.token === token) runtime.mapsInFlight.delete(def.id);
      if (gen === runtime.engineGen) get().ensureResult();
    }
  };

  /** Derive every visible method whose result is not current (once per frame). */
  const runLocal = (): void => {
    runtime.localScheduled = false;
    const s = get();
    const { image, analysis, pack, params } = s;
    if (!image || !analysis || !pack || params.classIndex === null) {
      get().ensureResult();
      return;
    }
    const results = { ...s.results };
    const failed: Record<string, true> = { ...s.failed };
    let changed = false;
    for (const def of visibleMethods(s)) {
      const keys = methodKeys(s, def);
      if (!keys || results[def.id]?.key === keys.displayKey || failed[keys.displayKey] || failed[keys.rawKey]) continue;
      try {
        const own: unknown = s.own[def.id];
        const input = {
          pack,
          analysis,
          image,
          own,
          classIndex: keys.classIndex,
          learned: s.learned.find((c) => c.index === keys.classIndex) ?? null,
          threshold: params.threshold,
          boxMode: params.boxMode,
          drawnGt: s.drawnGt,
        };
        const result = deriveResult(def, keys, input, results[def.id]);
        if (result) {
          results[def.id] = result;
          changed = true;
        }
      } catch (err) {
        failed[keys.displayKey] = true;
        changed = true;
        get().reportError(err, `Computing the ${def.label} map`);
      }
    }
    if (changed) set({ results, failed });
    // The open lab view (λ strip, t × resolution grid) from the same caches, once its maps are in.
    const now = get();
    if (labStale(now)) {
      if (now.lab.view === 'lambdaStrip') {
        const labStrip = deriveLambdaStrip(now);
        if (labStrip) set({ labStrip });
      } else {
        const labGrid = deriveTimestepGrid(now);
        if (labGrid) set({ labGrid });
      }
    }
    get().ensureResult();
  };

  const scheduleLocal = (): void => {
    if (runtime.localScheduled) return;
    runtime.localScheduled = true;
    raf(runLocal);
  };

  return {
    analysis: null,
    results: {},
    currentRaw: {},
    pending: IDLE,
    failed: {},

    ensureResult() {
      const s = get();
      if (!s.image || !s.pack || s.packStatus === 'loading' || s.engineStatus !== 'ready') return setPending(IDLE);
      const { image, packGen } = s;

      // 1. The shared per-image analysis (classifier, and each method's per-image step).
      if (!s.analysis || s.analysis.imageId !== image.id || s.analysis.packGen !== packGen) {
        const failed = s.failed[analyzeKey(image.id, packGen)] === true;
        if (!failed && !runtime.analyzeInFlight) void runAnalyze(image, packGen);
        return setPending({ ...IDLE, analyze: !failed });
      }

      // 2. The class defaults to the top-1 prediction.
      if (s.params.classIndex === null) {
        // The top-1 may be a class taught here.
        set({ params: { ...s.params, classIndex: selectTopK(s)?.[0]?.index ?? 0 } });
        return get().ensureResult();
      }

      // 3. Per visible method: request missing raw maps from the worker, or derive here.
      let maps = false;
      let local = false;
      const currentRaw: Partial<Record<MethodId, unknown>> = {};
      for (const def of visibleMethods(s)) {
        const keys = methodKeys(s, def)!;
        if (def.source === 'engine') {
          const have = runtime.maps.get(`raw|${keys.rawKey}`) as RawEntry | undefined;
          currentRaw[def.id] = have?.raw;
          const own: unknown = s.own[def.id];
          const params = (def.id === 'genpromp' ? labRequest(s) : null) ?? def.request(have?.raw, own);
          if (params !== null) {
            if (s.failed[keys.rawKey]) continue;
            const reqKey = `${keys.rawKey}|${JSON.stringify(params)}`;
            if (runtime.mapsInFlight.get(def.id)?.reqKey !== reqKey) {
              const rawKeyFor = (o: unknown) => methodKeys(s, def, o)?.rawKey;
              const req = { method: def.id, imageKey: keys.imageKey, classIndex: keys.classIndex, params };
              void runMaps(def, own, req, reqKey, keys.rawKey, rawKeyFor);
            }
            maps = true;
            continue;
          }
        }
        if (s.results[def.id]?.key !== keys.displayKey && !s.failed[keys.displayKey]) local = true;
      }
      // The open lab view re-derives once its maps are all cached (never while some are still to come).
      if (!maps && labStale(s) && labRequest(s) === null) local = true;
      if (Object.keys(currentRaw).some((id) => currentRaw[id as MethodId] !== s.currentRaw[id as MethodId])) set({ currentRaw });
      setPending({ analyze: false, maps, local });
      if (local) scheduleLocal();
    },
  };
};
