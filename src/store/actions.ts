/**
 * Module-level async actions: the only code that talks to the engine client.
 * Components call these; they read state through selectors.
 *
 * Staleness rules (see ./keys):
 * - every request is tagged with the key of the parameters it was sent for;
 *   responses are cached under that key and displayed only if it is still the
 *   current key (`currentKeys`), so a late answer for an old λ/class/image is
 *   never shown as current;
 * - maps requests are "latest wins": a request for new parameters is sent at
 *   once and the engine drops or cancels the older one (AbortError, ignored
 *   here); an identical request is never sent twice. Analysis is one at a
 *   time: when it settles, `ensureResult` looks at the *latest* image;
 * - threshold, box mode, resolutions and already-computed timesteps are derived
 *   on the UI thread (./derive) once per animation frame, from cached maps.
 */
import { getEngine, MAX_CRASHES_PER_MINUTE, type CrashInfo } from '../engine-client';
import type { BackendPreference, EngineOptions, GenprompRequest, PackIndexEntry, ProgressReport, StageTimings } from '../shared/api';
import { EngineError, isAbort } from '../shared/errors';
import type { AttentionMaps } from '../shared/genpromp/aggregate';
import type { ImageInfo } from '../shared/image/sniff';
import type { Manifest } from '../shared/manifest';
import type { Box } from '../shared/postprocess';
import { resetBaselineCache } from './baselines';
import { computeDisplay, resetDeriveCache } from './derive';
import { useAppStore } from './index';
import { analyzeKey, currentKeys, round2, sortedNums } from './keys';
import type { AppState, BoxMode, Colormap, GenprompParams, Layout, LoadedImage, Method, MethodParams, Sample } from './types';

const get = useAppStore.getState;
const set = useAppStore.setState;
const engine = () => getEngine();

const raf: (cb: () => void) => unknown =
  typeof requestAnimationFrame === 'function' ? (cb) => requestAnimationFrame(cb) : (cb) => setTimeout(cb, 16);

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

// ---------------------------------------------------------------------------
// Errors and notices

let errorSeq = 0;
let noticeSeq = 0;

/** Show an error in the banner. AbortError ("superseded") is dropped silently. */
export function reportError(err: unknown, context: string | null = null): void {
  if (isAbort(err)) return;
  const e = err instanceof Error ? err : new Error(String(err));
  console.error(context ?? 'wsol-lab error', e);
  set({ error: { id: ++errorSeq, name: e.name || 'Error', message: e.message, context } });
}

export function dismissError(): void {
  set({ error: null });
}

export function dismissNotice(id: number): void {
  set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

// ---------------------------------------------------------------------------
// Engine lifecycle

let booted = false;
/** Incremented when the worker crashes: work started before belongs to a dead worker. */
let engineGen = 0;
let lastPackUrl: string | null = null;

/** Start the engine, read the pack list, load the default pack, read the samples. Idempotent. */
export function boot(): void {
  if (booted) return;
  booted = true;
  engine().onCrash(onCrash);
  void loadSamples();
  void startEngine();
}

async function startEngine(): Promise<void> {
  const gen = engineGen;
  set({ engineStatus: 'starting' });
  try {
    const device = await engine().init(backendPreference(), { precision: precisionOverride() });
    if (gen !== engineGen) return;
    set({ device, engineStatus: 'ready' });
  } catch (err) {
    if (gen !== engineGen) return;
    set({ engineStatus: 'failed' });
    reportError(err, 'Starting the engine');
    return;
  }
  let packs = get().packIndex;
  if (packs.length === 0) {
    const indexUrl = get().indexUrl;
    try {
      packs = (await engine().listPacks(indexUrl)).map((p) => ({ ...p, path: resolvePackPath(p.path, indexUrl) }));
      if (gen !== engineGen) return;
      set({ packIndex: packs });
    } catch (err) {
      if (gen !== engineGen) return;
      reportError(err, `Reading the list of model packs (${indexUrl})`);
    }
  }
  const target = lastPackUrl ?? defaultPack(packs)?.path ?? null;
  if (target) await loadPack(target);
}

/** `?backend=webgpu|wasm|auto` in the page URL. */
function backendPreference(): BackendPreference {
  const v = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('backend');
  return v === 'webgpu' || v === 'wasm' ? v : 'auto';
}

/** `?precision=fp32|fp16|int8|q4f16`: one precision for every model (where the pack has it). */
function precisionOverride(): EngineOptions['precision'] {
  const v = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('precision');
  return v === 'fp32' || v === 'fp16' || v === 'int8' || v === 'q4f16' ? v : undefined;
}

function onCrash(info: CrashInfo): void {
  engineGen++;
  inflight.analyze = null;
  inflight.maps = null;
  mapCache.clear();
  resetDeriveCache();
  set({ engineStatus: 'starting', analysis: null, computedTimesteps: [], packStatus: get().pack ? 'idle' : get().packStatus, loadingUrl: null });
  if (info.recentCrashes > MAX_CRASHES_PER_MINUTE) {
    set({ engineStatus: 'failed' });
    reportError(
      new EngineError(
        'EngineNotReady',
        `The engine worker crashed ${info.recentCrashes} times in a minute (last: ${info.message}). Reload the page; if it keeps happening, try another browser or a smaller model pack.`,
      ),
    );
    return;
  }
  reportError(new EngineError('EngineNotReady', `The engine worker stopped unexpectedly (${info.message}). It was restarted and the model pack is being reloaded.`));
  void startEngine();
}

/** The user's "restart the engine" button: a fresh Worker, then the current pack again. */
export function restartEngine(): void {
  engineGen++;
  inflight.analyze = null;
  inflight.maps = null;
  mapCache.clear();
  resetDeriveCache();
  set({ analysis: null, computedTimesteps: [], error: null, loadingUrl: null, packStatus: get().pack ? 'idle' : get().packStatus });
  engine().restart('restarted from the page');
  void startEngine();
}

/** Drop the downloaded packs from the browser cache (the loaded pack keeps working). */
export async function clearModelCache(): Promise<void> {
  try {
    await engine().clearCache();
    set((s) => ({ notices: [...s.notices, { id: ++noticeSeq, text: 'Cached model files were deleted; the next load downloads them again.' }] }));
  } catch (err) {
    reportError(err, 'Clearing the model cache');
  }
}

async function refreshDevice(): Promise<void> {
  const gen = engineGen;
  try {
    const device = await engine().device();
    if (gen === engineGen) set({ device });
  } catch {
    // Not worth a banner: the badge keeps its last value.
  }
}

// ---------------------------------------------------------------------------
// Packs

export function resolvePackPath(path: string, indexUrl: string): string {
  const u = new URL(path, indexUrl);
  if (u.pathname.endsWith('/manifest.json')) u.pathname = u.pathname.slice(0, -'manifest.json'.length);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  u.hash = '';
  return u.href;
}

function defaultPack(packs: PackIndexEntry[]): PackIndexEntry | undefined {
  return packs.find((p) => p.default) ?? packs[0];
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

let packLoadSeq = 0;

/** Load (download, verify, create, warm up) the pack at `baseUrl`. On failure the previous pack stays. */
export async function loadPack(baseUrl: string): Promise<boolean> {
  const seq = ++packLoadSeq;
  const gen = engineGen;
  progressBuf = [];
  const before = { progress: get().progress, progressPhase: get().progressPhase };
  set({ packStatus: 'loading', loadingUrl: baseUrl, progress: {}, progressPhase: null });
  ensureResult();
  try {
    const summary = await engine().loadPack(baseUrl, (p) => onProgress(seq, p));
    if (seq !== packLoadSeq || gen !== engineGen) return false;
    flushProgress();
    lastPackUrl = baseUrl;
    mapCache.clear();
    resetDeriveCache();
    resetBaselineCache();
    set((s) => ({
      pack: summary,
      packGen: s.packGen + 1,
      packStatus: 'ready',
      loadingUrl: null,
      params: defaultParams(summary.manifest),
      methods: methodsForPack(s.methods, summary.manifest),
      analysis: null,
      display: null,
      failedKey: null,
      computedTimesteps: [],
    }));
    void refreshDevice();
    ensureResult();
    return true;
  } catch (err) {
    if (seq !== packLoadSeq || gen !== engineGen) return false;
    progressBuf = [];
    // The previous pack stays, and so does the summary of its load.
    set((s) => (s.pack ? { packStatus: 'ready', loadingUrl: null, ...before } : { packStatus: 'error', loadingUrl: null }));
    reportError(err, `Loading the model pack at ${baseUrl}`);
    void refreshDevice();
    ensureResult();
    return false;
  }
}

/** Load what the user typed into the pack URL field. Invalid input → error banner, nothing else changes. */
export function loadPackFromUrl(input: string): void {
  const r = normalizePackUrl(input);
  if (!r.ok) {
    reportError(new EngineError('PackNotFound', r.message), 'Loading a pack from a URL');
    return;
  }
  void loadPack(r.url);
}

/** Keep the user's method choice across packs, minus what the new pack cannot show. */
export function methodsForPack(prev: MethodParams, m: Manifest): MethodParams {
  const b = m.baselines;
  const has = { genpromp: true, cam: !!b, lpcam: !!b?.lpcam, sat: !!b?.sat };
  const satBlocks = b?.sat?.blocks.length ?? 0;
  return {
    ...prev,
    method: has[prev.method] ? prev.method : 'genpromp',
    layout: b ? prev.layout : 'single',
    satBlock: prev.satBlock === 'mean' || prev.satBlock < satBlocks ? prev.satBlock : 'mean',
  };
}

export function defaultParams(m: Manifest): GenprompParams {
  const gp = m.genpromp;
  return {
    classIndex: null,
    lambda: round2(clamp01(gp.lambda)),
    timesteps: sortedNums(gp.timesteps),
    resolutions: sortedNums(gp.resolutions),
    threshold: round2(clamp01(gp.threshold)),
    boxMode: 'largest',
  };
}

// Progress reports arrive per chunk; they are buffered and applied once per frame.
let progressBuf: ProgressReport[] = [];
let progressScheduled = false;

function onProgress(seq: number, p: ProgressReport): void {
  if (seq !== packLoadSeq) return;
  progressBuf.push(p);
  if (!progressScheduled) {
    progressScheduled = true;
    raf(flushProgress);
  }
}

function flushProgress(): void {
  progressScheduled = false;
  if (progressBuf.length === 0) return;
  const next = { ...get().progress };
  for (const r of progressBuf) next[r.phase] = r;
  const progressPhase = progressBuf[progressBuf.length - 1]!.phase;
  progressBuf = [];
  set({ progress: next, progressPhase });
}

// ---------------------------------------------------------------------------
// Samples and images

function isSafeRelative(p: string): boolean {
  return !p.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(p) && !p.split('/').includes('..');
}

function parseSamples(json: unknown): Sample[] {
  const list = (json as { samples?: unknown })?.samples;
  if (!Array.isArray(list)) return [];
  const out: Sample[] = [];
  for (const x of list as unknown[]) {
    const o = x as Record<string, unknown>;
    if (typeof o?.file !== 'string' || typeof o.label !== 'string' || !isSafeRelative(o.file) || !o.label) continue;
    const boxes = Array.isArray(o.boxes)
      ? (o.boxes as unknown[]).filter(
          (b): b is Box => Array.isArray(b) && b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v)),
        )
      : undefined;
    out.push(boxes && boxes.length > 0 ? { file: o.file, label: o.label, boxes } : { file: o.file, label: o.label });
  }
  return out;
}

async function loadSamples(): Promise<void> {
  try {
    const res = await fetch(new URL('index.json', get().samplesBase));
    if (!res.ok) return;
    const samples = parseSamples(await res.json());
    set({ samples: samples.length > 0 ? samples : null });
  } catch {
    // No gallery: the index is optional (and a dev server may answer with HTML).
  }
}

let imageSeq = 0;

export interface AcceptedImage {
  name: string;
  pixels: LoadedImage['pixels'];
  bitmap: ImageBitmap;
  info: ImageInfo;
  notices: string[];
}

export function setDecoding(decoding: boolean): void {
  set({ decoding });
}

/** Make a decoded image current: clears the old result and starts the analysis. */
export function acceptImage(img: AcceptedImage, sample: Sample | null): void {
  const id = ++imageSeq;
  const image: LoadedImage = { id, name: img.name, pixels: img.pixels, bitmap: img.bitmap, info: img.info, sample };
  set((s) => ({
    image,
    analysis: null,
    display: null,
    failedKey: null,
    computedTimesteps: [],
    params: { ...s.params, classIndex: null },
    notices: img.notices.map((text) => ({ id: ++noticeSeq, text })),
    error: null,
  }));
  ensureResult();
}

// ---------------------------------------------------------------------------
// Parameters (cheap setters: the work happens in ensureResult / the next frame)

function setParams(patch: Partial<GenprompParams>): void {
  set((s) => ({ params: { ...s.params, ...patch }, failedKey: null }));
  ensureResult();
}

export const setLambda = (v: number): void => setParams({ lambda: round2(clamp01(v)) });
export const setThreshold = (v: number): void => setParams({ threshold: round2(clamp01(v)) });
export const setBoxMode = (boxMode: BoxMode): void => setParams({ boxMode });
export const setClass = (classIndex: number): void => setParams({ classIndex });

function toggle(list: number[], v: number): number[] | null {
  const next = list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
  return next.length === 0 ? null : sortedNums(next); // keep at least one selected
}

export function toggleTimestep(t: number): void {
  const next = toggle(get().params.timesteps, t);
  if (next) setParams({ timesteps: next });
}

export function toggleResolution(r: number): void {
  const next = toggle(get().params.resolutions, r);
  if (next) setParams({ resolutions: next });
}

// Method and layout: baselines are derived on render (./baselines), GenPromp keeps its own pipeline.
const setMethods = (patch: Partial<MethodParams>): void => set((s) => ({ methods: { ...s.methods, ...patch } }));
export const setMethod = (method: Method): void => setMethods({ method, layout: 'single' });
export const setLayout = (layout: Layout): void => setMethods({ layout });
export const setLpcamContext = (lpcamContext: boolean): void => setMethods({ lpcamContext });
export const setSatBlock = (satBlock: number | 'mean'): void => setMethods({ satBlock });

export const setColormap = (colormap: Colormap): void => set((s) => ({ view: { ...s.view, colormap } }));
export const setOpacity = (v: number): void => set((s) => ({ view: { ...s.view, opacity: clamp01(v) } }));
export const setShowGt = (showGt: boolean): void => set((s) => ({ view: { ...s.view, showGt } }));

// ---------------------------------------------------------------------------
// The result pipeline

interface MapEntry {
  maps: AttentionMaps;
  timings: StageTimings | null;
}

/** Raw attention maps per model key (pack, image, class, λ), most recent last. */
const mapCache = new Map<string, MapEntry>();
const MAP_CACHE_SIZE = 32;

function cachePut(key: string, entry: MapEntry): void {
  mapCache.delete(key);
  mapCache.set(key, entry);
  while (mapCache.size > MAP_CACHE_SIZE) mapCache.delete(mapCache.keys().next().value!);
}

/**
 * Requests in flight. Tokens (not flags), so a superseded or dead-worker
 * request's late `finally` cannot clear a newer one.
 */
const inflight: { analyze: object | null; maps: { token: object; reqKey: string } | null } = { analyze: null, maps: null };

function setPending(p: AppState['pending']): void {
  const cur = get().pending;
  if (cur.analyze !== p.analyze || cur.maps !== p.maps || cur.local !== p.local) set({ pending: p });
}

function setComputed(ts: number[]): void {
  const cur = get().computedTimesteps;
  if (cur.length !== ts.length || cur.some((t, i) => t !== ts[i])) set({ computedTimesteps: ts });
}

/**
 * Bring the result up to date with the current parameters: analyse the image,
 * fetch missing maps, or schedule the UI-thread recompute. Cheap; call it after
 * any change.
 */
export function ensureResult(): void {
  const s = get();
  const idle = { analyze: false, maps: false, local: false };
  if (!s.image || !s.pack || s.packStatus === 'loading' || s.engineStatus !== 'ready') {
    setPending(idle);
    return;
  }
  const { image, packGen } = s;

  // 1. Classifier + VAE for this image and pack.
  if (!s.analysis || s.analysis.imageId !== image.id || s.analysis.packGen !== packGen) {
    const failed = s.failedKey === analyzeKey(image.id, packGen);
    if (!failed && !inflight.analyze) void runAnalyze(image, packGen);
    setPending({ ...idle, analyze: !failed });
    return;
  }

  // 2. The class defaults to the top-1 prediction.
  if (s.params.classIndex === null) {
    set({ params: { ...s.params, classIndex: s.analysis.topK[0]?.index ?? 0 } });
    ensureResult();
    return;
  }
  const keys = currentKeys(s)!;

  // 3. Attention maps for (image, class, λ) at every selected timestep.
  const entry = mapCache.get(keys.modelKey);
  setComputed(entry ? sortedNums(Object.keys(entry.maps).map(Number)) : []);
  const missing = s.params.timesteps.filter((t) => !entry?.maps[t]);
  if (missing.length > 0) {
    const failed = s.failedKey === keys.modelKey;
    const timesteps = sortedNums(s.params.timesteps); // the full selection: the worker caches per timestep
    const reqKey = `${keys.modelKey}|t${timesteps.join(',')}`;
    if (!failed && inflight.maps?.reqKey !== reqKey) {
      const req: GenprompRequest = { imageKey: keys.imageKey, classIndex: keys.classIndex, lambda: s.params.lambda, timesteps };
      void runMaps(req, reqKey, keys.modelKey, packGen);
    }
    setPending({ ...idle, maps: !failed });
    return;
  }

  // 4. Aggregate + localise on this thread, next frame.
  if ((s.display?.key === keys.displayKey && s.display.imageId === image.id) || s.failedKey === keys.displayKey) {
    setPending(idle);
    return;
  }
  setPending({ ...idle, local: true });
  scheduleLocal();
}

async function runAnalyze(image: LoadedImage, packGen: number): Promise<void> {
  const token = {};
  inflight.analyze = token;
  const gen = engineGen;
  try {
    const a = await engine().analyzeImage(image.pixels);
    const s = get();
    if (gen === engineGen && s.image?.id === image.id && s.packGen === packGen) {
      set({ analysis: { ...a, imageId: image.id, packGen } });
    }
  } catch (err) {
    const s = get();
    if (gen === engineGen && s.image?.id === image.id && s.packGen === packGen && !isAbort(err)) {
      set({ failedKey: analyzeKey(image.id, packGen) });
      reportError(err, `Analysing ${image.name}`);
      void refreshDevice();
    }
  } finally {
    if (inflight.analyze === token) inflight.analyze = null;
    if (gen === engineGen) ensureResult();
  }
}

async function runMaps(req: GenprompRequest, reqKey: string, mk: string, packGen: number): Promise<void> {
  const token = {};
  inflight.maps = { token, reqKey };
  const gen = engineGen;
  try {
    const res = await engine().genprompMaps(req);
    if (gen !== engineGen || get().packGen !== packGen) return;
    const r = res.request;
    if (r.imageKey !== req.imageKey || r.classIndex !== req.classIndex || Math.abs(r.lambda - req.lambda) > 1e-6) {
      console.warn('Dropped a genprompMaps response for other parameters', r, req);
      return;
    }
    // Merge (never mutate): earlier timesteps for the same key stay cached.
    const merged: AttentionMaps = { ...(mapCache.get(mk)?.maps ?? {}) };
    for (const t of req.timesteps) if (res.maps[t]) merged[t] = res.maps[t]!;
    cachePut(mk, { maps: merged, timings: res.timings });
    const still = req.timesteps.filter((t) => !merged[t]);
    if (still.length > 0) {
      set({ failedKey: mk });
      reportError(new EngineError('ModelIOMismatch', `The engine returned no maps for timesteps ${still.join(', ')}.`), 'Computing the GenPromp maps');
    }
  } catch (err) {
    if (gen === engineGen && !isAbort(err) && currentKeys(get())?.modelKey === mk) {
      set({ failedKey: mk });
      reportError(err, 'Computing the GenPromp maps');
      void refreshDevice();
    }
  } finally {
    if (inflight.maps?.token === token) inflight.maps = null;
    if (gen === engineGen) ensureResult();
  }
}

let localScheduled = false;

function scheduleLocal(): void {
  if (localScheduled) return;
  localScheduled = true;
  raf(() => {
    localScheduled = false;
    runLocal();
  });
}

function runLocal(): void {
  const s = get();
  const keys = currentKeys(s);
  const entry = keys ? mapCache.get(keys.modelKey) : undefined;
  if (!keys || !s.image || !s.pack || !s.analysis || !entry || s.params.timesteps.some((t) => !entry.maps[t])) {
    ensureResult();
    return;
  }
  if (s.display?.key === keys.displayKey && s.display.imageId === s.image.id) {
    setPending({ ...s.pending, local: false });
    return;
  }
  try {
    const timings: StageTimings = { ...s.analysis.timings, ...(entry.timings ?? {}) };
    const display = computeDisplay(keys, entry.maps, s.pack.manifest, s.params, s.image, s.analysis.frame, s.display, timings);
    set({ display, pending: { ...get().pending, local: false } });
  } catch (err) {
    set({ failedKey: keys.displayKey, pending: { ...get().pending, local: false } });
    reportError(err, 'Aggregating the attention maps');
  }
}
