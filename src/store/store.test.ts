/**
 * The store against a fake engine (reset with resetStore(), no module reloads): the
 * staleness rules (a moved slider never shows an old map as current; late responses
 * are dropped), UI-thread recomputes without worker calls, recovery after a worker
 * crash, and every method through the one derive path in the compare view.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CrashInfo, EngineClient } from '../engine-client';
import { setEngineForTests } from '../engine-client';
import type { DeviceInfo, ImageAnalysis, MapsRequest, MapsResult, PackFolder, PackSummary } from '@shared/api';
import type { AttentionMaps } from '@shared/genpromp/aggregate';
import type { GenprompMapsParams } from '@shared/genpromp/method';
import { actions as act } from './actions';
import { resetStore, useAppStore } from './index';
import { runtime } from './runtime';
import * as selectors from './selectors';
import { PERSIST_ABOVE_BYTES, requestPersistence } from './slices/pack';
import { abortError } from '@shared/errors';
import type { AttentionOutput, Manifest } from '@shared/manifest';

const NO_TIMINGS = { setup: 0, files: 0, create: {}, warmup: {}, methods: 0 };

const outputs = [
  { output: 'attn_mid', resolution: 4, block: 'mid', blockIndex: 0, layer: 0, heads: 1 },
  { output: 'attn_up', resolution: 8, block: 'up', blockIndex: 1, layer: 0, heads: 1 },
] as AttentionOutput[];

const manifest = {
  id: 'fake',
  label: 'Fake',
  description: 'fake pack',
  license: { spdx: 'MIT', attribution: null, notes: '' },
  preprocess: { size: [32, 32], resize: 'pil-bicubic', range: [-1, 1], alphaBackground: [255, 255, 255] },
  classes: ['dog', 'cat', 'bird'].map((n, i) => ({ index: i, name: n, displayName: n, metaToken: n, conceptToken: `<c${i}>` })),
  vae: { scalingFactor: 0.18215, latentChannels: 4, latentSize: [8, 8] },
  unetAttention: outputs,
  genpromp: {
    lambda: 0.6,
    timesteps: [0, 99],
    timestepChoices: [0, 99, 499],
    resolutions: [4, 8],
    tokenPosition: 5,
    threshold: 0.25,
    latentSampling: 'sample',
    noiseSeed: 1,
  },
  defaultThreshold: 0.25,
} as unknown as Manifest;

/**
 * The same pack with baselines: 2 feature channels on a 4×4 grid (channel 0 lights the
 * top-left, channel 1 the bottom-right), a CAM head whose class k reads channel k % 2,
 * one LPCAM prototype per class, and one SAT block (bottom-right).
 */
const f32 = (path: string, shape: number[]) => ({
  path,
  bytes: shape.reduce((a, d) => a * d, 4),
  sha256: '0'.repeat(64),
  dtype: 'float32',
  shape,
});
const withBaselines = {
  ...manifest,
  models: { classifier: { outputs: [{ name: 'features', dtype: 'float32', dims: [1, 2, 4, 4] }] }, sat: {} },
  baselines: {
    cam: { featureOutput: 'features', head: f32('head.f32', [3, 2]) },
    lpcam: {
      prototypes: f32('protos.f32', [3, 2]),
      ranges: [0, 1, 2].map((c) => ({ class: [c, 1], context: [c, 0] })),
      settings: { k: 1, fgThreshold: 0.1, classThreshold: 0.9, contextLow: 0.05, imagesPerClass: 1, scales: [1], flip: false },
    },
    sat: { mapOutput: 'block_maps', blocks: [5], grid: 4 },
  },
} as unknown as Manifest;
const features = new Float32Array(32);
for (const i of [0, 1, 4, 5]) features[i] = 1;
for (const i of [10, 11, 14, 15]) features[16 + i] = 1;
const satBlock = new Float32Array(16);
for (const i of [10, 11, 14, 15]) satBlock[i] = 1;

const device: DeviceInfo = {
  backend: 'wasm',
  description: 'fake wasm',
  webgpu: null,
  wasmThreads: 2,
  crossOriginIsolated: true,
  fallbackReason: null,
};

/** A GenPromp request as the fake engine records it. */
interface GenprompRequest extends GenprompMapsParams {
  imageKey: string;
  classIndex: number;
}

/** A blob whose peak position depends on (class, λ, t): different params → different maps. */
function fakeMap(r: number, req: GenprompRequest, t: number): Float32Array {
  const m = new Float32Array(r * r);
  const cx = ((req.classIndex + 1) * 0.2 + req.lambda * 0.3 + t / 2000) * r;
  const cy = (0.3 + req.lambda * 0.4) * r;
  for (let y = 0; y < r; y++) for (let x = 0; x < r; x++) m[y * r + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (0.1 * r * r));
  return m;
}

interface Deferred<T> {
  req: GenprompRequest;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}

class FakeEngine implements EngineClient {
  calls: string[] = [];
  mapsCalls: GenprompRequest[] = [];
  /** When true, maps() waits for `release()`. */
  hold = false;
  held: Deferred<MapsResult>[] = [];
  /** Serve the pack with baselines (features, SAT masks and the CAM/LPCAM arrays). */
  baselines = false;
  crashListeners = new Set<(i: CrashInfo) => void>();
  /** The manifest the next loadPack answers with. */
  served: Manifest = manifest;

  async init() {
    this.calls.push('init');
    return device;
  }
  async device() {
    return device;
  }
  async listPacks() {
    this.calls.push('listPacks');
    return [{ id: 'fake', label: 'Fake', path: 'fake/', default: true }];
  }
  async loadPack(
    baseUrl: string,
    onProgress?: (p: { phase: 'download'; item: string; done: number; total: number; text: string }) => void,
  ): Promise<PackSummary> {
    this.calls.push(`loadPack ${baseUrl}`);
    onProgress?.({ phase: 'download', item: 'unet.onnx', done: 10, total: 10, text: 'done' });
    if (!this.baselines)
      return {
        manifest: this.served,
        variants: { unet: 'fp32' },
        baseUrl,
        source: 'url',
        fromCache: false,
        arrays: {},
        loadTimings: NO_TIMINGS,
      };
    const head = Float32Array.from([1, 0, 0, 1, 1, 0]);
    return {
      manifest: withBaselines,
      variants: {},
      loadTimings: { setup: 0, files: 0, create: {}, warmup: {}, methods: 0 },
      baseUrl,
      source: 'url',
      fromCache: false,
      arrays: { 'head.f32': head, 'protos.f32': head },
    };
  }
  async analyzeImage(): Promise<ImageAnalysis> {
    this.calls.push('analyze');
    return {
      imageKey: 'img-1',
      topK: [1, 0, 2].map((i, k) => ({ index: i, name: `c${i}`, displayName: `c${i}`, probability: 0.5 - k * 0.1 })),
      logits: Float32Array.from([0, 0, 0]),
      frame: [32, 32],
      timings: { classifier: 1 },
      features: this.baselines ? { data: features, dims: [2, 4, 4] } : null,
      methodData: {},
    };
  }
  posteriors(): Promise<never> {
    return Promise.reject(new Error('the store does not teach'));
  }
  pooledFeatures(): Promise<never> {
    return Promise.reject(new Error('the store does not teach'));
  }

  setLearnedClasses(): Promise<never> {
    return Promise.reject(new Error('the store does not teach'));
  }

  maps(request: MapsRequest): Promise<MapsResult> {
    if (request.method === 'sat') {
      // SAT's run: class-agnostic block masks (the GenPromp bookkeeping below is not for it).
      this.calls.push('maps sat');
      return Promise.resolve({ request, raw: { blockMaps: { data: satBlock, dims: [1, 4, 4] }, topK: [] }, timings: { sat: 1 } });
    }
    this.calls.push('maps');
    const req: GenprompRequest = { imageKey: request.imageKey, classIndex: request.classIndex, ...(request.params as GenprompMapsParams) };
    this.mapsCalls.push(req);
    const answer = (): MapsResult => {
      const at = (lambda: number) => {
        const raw: AttentionMaps = {};
        for (const t of req.timesteps)
          raw[t] = Object.fromEntries(outputs.map((o) => [o.output, fakeMap(o.resolution, { ...req, lambda }, t)]));
        return raw;
      };
      const alsoComputed = req.lambdas?.map((lambda) => ({ own: { lambda }, raw: at(lambda) }));
      return { request, raw: at(req.lambda), timings: { unet: 5 }, ...(alsoComputed ? { alsoComputed } : {}) };
    };
    if (!this.hold) return Promise.resolve(answer());
    return new Promise((resolve, reject) => this.held.push({ req, resolve: () => resolve(answer()), reject }));
  }
  async loadPackFolder(folder: PackFolder): Promise<PackSummary> {
    this.calls.push(`loadPackFolder ${folder.name}`);
    return {
      manifest: this.served,
      variants: { unet: 'fp32' },
      baseUrl: `folder:${folder.name}/`,
      source: 'folder',
      fromCache: false,
      arrays: {},
      loadTimings: NO_TIMINGS,
    };
  }
  async cancelPackLoad() {
    this.calls.push('cancelPackLoad');
    return false;
  }
  async clearCache() {}
  onCrash(l: (i: CrashInfo) => void) {
    this.crashListeners.add(l);
    return () => this.crashListeners.delete(l);
  }
  restart() {}
}

const tick = (ms = 40) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (cond()) return;
    await tick(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

let fake: FakeEngine;

beforeEach(async () => {
  resetStore();
  fake = new FakeEngine();
  setEngineForTests(fake);
  vi.stubGlobal('fetch', async () => new Response('not found', { status: 404 }));
  act().boot();
  await until(() => useAppStore.getState().packStatus === 'ready', 'pack');
});

afterEach(() => {
  setEngineForTests(null);
  vi.unstubAllGlobals();
});

const state = () => useAppStore.getState();
const canvas = () => selectors.selectCanvasState(state());

function giveImage(sample: { boxes?: [number, number, number, number][] } | null = null) {
  act().acceptImage(
    {
      name: 'x.png',
      pixels: { width: 64, height: 64, rgba: new Uint8ClampedArray(64 * 64 * 4) },
      bitmap: {} as ImageBitmap,
      info: { format: 'png' } as never,
      notices: [],
    },
    sample ? { file: 'x.png', label: 'x', ...sample } : null,
  );
}

describe('store', () => {
  it('boots: init, pack list, default pack with manifest defaults', () => {
    expect(fake.calls.slice(0, 3)).toEqual(['init', 'listPacks', expect.stringMatching(/^loadPack .*\/models\/fake\/$/)]);
    const s = state();
    expect(s.params).toEqual({ threshold: 0.25, boxMode: 'largest', classIndex: null });
    expect(s.own.genpromp).toEqual({ lambda: 0.6, timesteps: [0, 99], resolutions: [4, 8], groups: null });
    expect(s.device?.backend).toBe('wasm');
    expect(canvas()).toBe('empty');
  });

  it('a classifier-only pack starts at its own threshold, shows CAM and offers no GenPromp timesteps', async () => {
    const { genpromp: _g, unetAttention: _u, vae: _v, ...rest } = manifest;
    const headRef = { path: 'cam_head.f32', bytes: 24, sha256: '0'.repeat(64), dtype: 'float32', shape: [3, 2] };
    fake.served = {
      ...rest,
      defaultThreshold: 0.4,
      baselines: { cam: { featureOutput: 'features', head: headRef }, lpcam: null, sat: null },
      models: {},
    } as unknown as Manifest;
    expect(await act().loadPack('photo/')).toBe(true);
    const s = state();
    expect(s.learnedRestoredFor).toBe(s.packGen); // a pack without a teach section has nothing to read: done
    expect(s.params.threshold).toBe(0.4);
    expect(s.methods.method).toBe('cam');
    expect(selectors.selectTimestepChoices(s)).toEqual([]);
    expect(selectors.selectResolutionChoices(s)).toEqual([]);
  });

  it('an image → analysis → top-1 class → maps → ready, with a hash, boxes and IoU', async () => {
    giveImage({ boxes: [[0, 0, 32, 32]] });
    expect(canvas()).toBe('updating');
    await until(() => canvas() === 'ready', 'ready');
    const s = state();
    expect(s.params.classIndex).toBe(1); // top-1 of the fake classifier
    expect(fake.mapsCalls).toEqual([{ imageKey: 'img-1', classIndex: 1, lambda: 0.6, timesteps: [0, 99] }]);
    expect(s.results.genpromp?.mapHash).toMatch(/^[0-9a-f]{8}-/);
    expect(s.results.genpromp?.boxes.length).toBeGreaterThan(0);
    expect(s.results.genpromp?.iou).not.toBeNull();
    expect(selectors.selectComputedTimesteps(s)).toEqual([0, 99]);
  });

  it('threshold, box mode, resolutions and computed timesteps never call the worker', async () => {
    giveImage();
    await until(() => canvas() === 'ready', 'ready');
    const n = fake.mapsCalls.length;
    const hash = state().results.genpromp!.mapHash;
    act().setThreshold(0.9);
    expect(canvas()).toBe('updating'); // never the old boxes presented as current
    await until(() => canvas() === 'ready', 'threshold');
    expect(state().results.genpromp!.mapHash).toBe(hash); // same map, new boxes
    act().toggleResolution(4);
    await until(() => canvas() === 'ready', 'resolution');
    expect(state().results.genpromp!.mapHash).not.toBe(hash);
    act().toggleTimestep(99); // deselect: still cached
    await until(() => canvas() === 'ready', 'timestep off');
    act().toggleTimestep(99);
    await until(() => canvas() === 'ready', 'timestep on');
    expect(fake.mapsCalls.length).toBe(n);
    act().toggleTimestep(499); // new timestep → worker, with the full selection
    await until(() => canvas() === 'ready', 'new timestep');
    expect(fake.mapsCalls.at(-1)?.timesteps).toEqual([0, 99, 499]);
  });

  it('a moved λ shows "updating" until its own answer; a late answer for an old λ is dropped', async () => {
    giveImage();
    await until(() => canvas() === 'ready', 'ready');
    const first = state().results.genpromp!.mapHash;
    fake.hold = true;
    act().setLambda(0.2);
    expect(canvas()).toBe('updating');
    act().setLambda(0.8);
    await tick();
    expect(fake.held.map((h) => h.req.lambda)).toEqual([0.2, 0.8]);
    // The newer request answers first; then the old one arrives late.
    fake.held[1]!.resolve(undefined as never);
    await until(() => canvas() === 'ready', 'λ 0.8');
    const at08 = state().results.genpromp!.mapHash;
    expect(at08).not.toBe(first);
    fake.held[0]!.resolve(undefined as never);
    await tick();
    expect(canvas()).toBe('ready');
    expect(state().results.genpromp!.mapHash).toBe(at08);
    expect(state().results.genpromp!.key).toContain('l0.80');
    // Going back to λ 0.2 uses the late answer from the cache: no new call.
    const calls = fake.mapsCalls.length;
    act().setLambda(0.2);
    await until(() => canvas() === 'ready', 'λ 0.2 from cache');
    expect(fake.mapsCalls.length).toBe(calls);
  });

  it('AbortError from a superseded request is silent', async () => {
    giveImage();
    await until(() => canvas() === 'ready', 'ready');
    fake.hold = true;
    act().setLambda(0.3);
    act().setClass(2);
    await tick();
    fake.held[0]!.reject(abortError('GenPromp request'));
    fake.held[1]!.resolve(undefined as never);
    await until(() => canvas() === 'ready', 'class 2');
    expect(state().error).toBeNull();
    expect(state().params.classIndex).toBe(2);
  });

  it('a failed maps request shows an error, is not retried in a loop, and the canvas is not "ready"', async () => {
    giveImage();
    await until(() => canvas() === 'ready', 'ready');
    fake.hold = true;
    act().setLambda(0.4);
    await tick();
    fake.held[0]!.reject(Object.assign(new Error('boom'), { name: 'ModelCreateFailed' }));
    await tick();
    expect(state().error?.name).toBe('ModelCreateFailed');
    expect(canvas()).toBe('empty');
    expect(fake.held.length).toBe(1);
  });

  it('a worker crash re-initialises and reloads the pack', async () => {
    giveImage();
    await until(() => canvas() === 'ready', 'ready');
    const before = fake.calls.length;
    for (const l of fake.crashListeners) l({ message: 'out of memory', recentCrashes: 1 });
    expect(state().error?.name).toBe('EngineNotReady');
    await until(() => canvas() === 'ready', 'ready after crash');
    expect(fake.calls.slice(before)).toEqual(['init', expect.stringMatching(/^loadPack/), 'analyze', 'maps']);
  });

  it('a cancelled download is a state, not an error: the previous pack stays and the cancelled load says how far it got', async () => {
    let cancel!: () => void;
    fake.loadPack = async (_baseUrl, onProgress) => {
      onProgress?.({ phase: 'download', item: 'unet.onnx', done: 300, total: 1000, text: 'Downloading unet.onnx' });
      await new Promise<void>((r) => (cancel = r));
      throw Object.assign(new Error('The pack download was cancelled.'), { name: 'DownloadCancelled' });
    };
    const previous = state().pack;
    const load = act().loadPack('http://localhost/models/big/');
    expect(state().packStatus).toBe('loading');
    act().cancelPackLoad();
    expect(fake.calls.at(-1)).toBe('cancelPackLoad');
    cancel();
    await load;
    expect(state()).toMatchObject({ packStatus: 'ready', pack: previous, error: null });
    expect(state().cancelledLoad).toEqual({ url: 'http://localhost/models/big/', done: 300, total: 1000 });
  });

  it('a folder pack is remembered for a worker restart', async () => {
    const folder: PackFolder = { name: 'my-pack', files: {} };
    await act().loadPackFolder(folder);
    expect(state().pack?.source).toBe('folder');
    const before = fake.calls.length;
    for (const l of fake.crashListeners) l({ message: 'out of memory', recentCrashes: 1 });
    await until(() => fake.calls.slice(before).includes('loadPackFolder my-pack'), 'folder reload');
  });
});

describe('persistent storage before a download', () => {
  const storage = (persisted: boolean, grant: boolean) => {
    const asked: string[] = [];
    const manager = {
      persisted: async () => persisted,
      persist: async () => {
        asked.push('persist');
        return grant;
      },
    } as unknown as StorageManager;
    return { manager, asked };
  };
  const plan = (bytesToFetch: number) => ({ bytesToFetch, filesToFetch: 1, bytesTotal: bytesToFetch });

  it('asks only for big downloads, and reports the answer', async () => {
    const small = storage(false, true);
    expect(await requestPersistence(plan(PERSIST_ABOVE_BYTES - 1), small.manager)).toBe('not-asked');
    expect(small.asked).toEqual([]);
    const big = storage(false, false);
    expect(await requestPersistence(plan(PERSIST_ABOVE_BYTES), big.manager)).toBe('denied');
    expect(big.asked).toEqual(['persist']);
    expect(await requestPersistence(plan(PERSIST_ABOVE_BYTES), storage(false, true).manager)).toBe('granted');
  });

  it('does not ask again when storage is already persistent, and copes without the API', async () => {
    const already = storage(true, true);
    expect(await requestPersistence(plan(4e9), already.manager)).toBe('granted');
    expect(already.asked).toEqual([]);
    expect(await requestPersistence(plan(4e9), undefined)).toBe('unsupported');
  });
});

describe('every method through the store', () => {
  beforeEach(async () => {
    fake.baselines = true;
    expect(await act().loadPack('http://localhost/models/with-baselines/')).toBe(true);
    act().setLayout('compare');
  });

  const ready = (m: 'genpromp' | 'cam' | 'lpcam' | 'sat') => selectors.selectCanvasState(state(), m) === 'ready';
  const all = () => ready('genpromp') && ready('cam') && ready('lpcam') && ready('sat');

  it('the compare view derives all four; a class change re-derives CAM but reuses SAT; τ keeps every frame map', async () => {
    giveImage({ boxes: [[0, 0, 31, 31]] });
    await until(all, 'all four ready');
    const first = { ...state().results };
    const analyses = fake.calls.filter((c) => c === 'analyze').length;
    act().setClass(0);
    await until(() => all() && state().results.cam !== first.cam, 'class 0');
    const byClass = { ...state().results };
    expect(byClass.cam!.mapHash).not.toBe(first.cam!.mapHash); // class 1 read channel 1, class 0 reads channel 0
    expect(byClass.sat!.mapHash).toBe(first.sat!.mapHash); // class-agnostic
    expect(fake.calls.filter((c) => c === 'analyze').length).toBe(analyses); // the image was analysed once
    act().setThreshold(0.9);
    await until(() => all() && state().results.cam!.key !== byClass.cam!.key, 'τ 0.9');
    for (const m of ['cam', 'lpcam', 'sat', 'genpromp'] as const) expect(state().results[m]!.frameMap).toBe(byClass[m]!.frameMap);
  });

  it("a method's own parameter re-derives only that method", async () => {
    giveImage();
    await until(all, 'all four ready');
    const before = { ...state().results };
    const mapsCalls = fake.mapsCalls.length;
    act().setOwn('lpcam', { context: false });
    act().setOwn('sat', { block: 0 });
    await until(
      () => all() && state().results.lpcam!.key !== before.lpcam!.key && state().results.sat!.key !== before.sat!.key,
      'own params',
    );
    expect(state().results.genpromp).toBe(before.genpromp);
    expect(state().results.cam).toBe(before.cam);
    expect(fake.mapsCalls.length).toBe(mapsCalls);
  });

  it('a method that cannot be derived reports to the banner; the others still show', async () => {
    const broken = {
      ...withBaselines,
      baselines: { ...withBaselines.baselines!, cam: { ...withBaselines.baselines!.cam, head: f32('missing.f32', [3, 2]) } },
    };
    fake.loadPack = async (baseUrl: string) => ({
      manifest: broken as Manifest,
      variants: {},
      loadTimings: { setup: 0, files: 0, create: {}, warmup: {}, methods: 0 },
      baseUrl,
      source: 'url',
      fromCache: false,
      arrays: { 'protos.f32': Float32Array.from([1, 0, 0, 1, 1, 0]) },
    });
    await act().loadPack('http://localhost/models/broken/');
    act().setLayout('compare');
    giveImage();
    await until(() => ready('sat') && ready('lpcam') && ready('genpromp') && state().error !== null, 'error and the rest');
    expect(state().error?.name).toBe('ModelIOMismatch');
    expect(state().error?.message).toMatch(/CAM needs missing\.f32/);
    expect(selectors.selectCanvasState(state(), 'cam')).toBe('empty');
  });
});

describe('the lab: λ strip and t × resolution grid', () => {
  it('asks for the whole λ strip in one request, then a snapped λ redraws from cache and an off-grid λ runs live', async () => {
    giveImage({ boxes: [[8, 8, 40, 40]] });
    await until(() => canvas() === 'ready', 'ready');
    const before = fake.mapsCalls.length;
    act().setLabView('lambdaStrip');
    await until(() => state().labStrip !== null, 'strip');
    expect(fake.mapsCalls.length).toBe(before + 1);
    const call = fake.mapsCalls.at(-1)!;
    expect(call.lambda).toBe(0.6);
    expect(call.lambdas).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.8, 0.9, 1]);
    const strip = state().labStrip!;
    expect(strip.cells.map((c) => c.lambda)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(strip.cells.every((c) => c.iou !== null && c.boxes.length > 0)).toBe(true);
    expect(new Set(strip.cells.map((c) => c.mapHash)).size).toBe(11); // the fake's map moves with λ
    // The strip's cell at λ = 0.6 is the main map.
    expect(strip.cells[6]!.mapHash).toBe(state().results.genpromp!.mapHash);
    expect(strip.cells[6]!.iou).toBe(state().results.genpromp!.iou);

    act().setLambda(0.3);
    await until(() => canvas() === 'ready', 'λ 0.3');
    expect(fake.mapsCalls.length).toBe(before + 1); // from the strip's cache
    expect(state().results.genpromp!.mapHash).toBe(strip.cells[3]!.mapHash);
    expect(state().labStrip!.key).toBe(strip.key); // the strip does not depend on λ

    act().setLambda(0.35);
    await until(() => canvas() === 'ready', 'λ 0.35');
    expect(fake.mapsCalls.length).toBe(before + 2);
    expect(fake.mapsCalls.at(-1)!.lambda).toBe(0.35);
    expect(fake.mapsCalls.at(-1)!.lambdas).toBeUndefined();
  });

  it('re-derives the strip without the worker when τ or the timesteps change', async () => {
    giveImage({ boxes: [[8, 8, 40, 40]] });
    await until(() => canvas() === 'ready', 'ready');
    act().setLabView('lambdaStrip');
    await until(() => state().labStrip !== null, 'strip');
    const calls = fake.mapsCalls.length;
    const first = state().labStrip!;
    act().setThreshold(0.9);
    await until(() => state().labStrip !== first, 'strip at τ 0.9');
    expect(state().labStrip!.cells.map((c) => c.mapHash)).toEqual(first.cells.map((c) => c.mapHash));
    act().toggleTimestep(99);
    await until(() => state().labStrip!.key.includes('t0|'), 'strip at t = 0');
    expect(fake.mapsCalls.length).toBe(calls);
  });

  it('grid: every timestep row in one request; ticks re-average from cache; preset, step and play', async () => {
    giveImage();
    await until(() => canvas() === 'ready', 'ready');
    act().setLabView('timestepGrid');
    await until(() => state().labGrid?.cells.every((row) => row.every((c) => c !== null)) === true, 'grid');
    expect(fake.mapsCalls.at(-1)!.timesteps).toEqual([0, 99, 499]);
    const grid = state().labGrid!;
    expect(grid.timesteps).toEqual([0, 99, 499]);
    expect(grid.groups.map((g) => g.key)).toEqual(['4:mid', '8:up']);
    const calls = fake.mapsCalls.length;

    const all = state().results.genpromp!.mapHash;
    act().toggleGroup('8:up');
    await until(() => canvas() === 'ready' && state().results.genpromp!.mapHash !== all, 'one column');
    expect(state().own.genpromp).toMatchObject({ resolutions: [4], groups: null });
    act().toggleGroup('4:mid'); // the last ticked column stays
    expect(state().own.genpromp.resolutions).toEqual([4]);
    act().toggleTimestep(499);
    await until(() => canvas() === 'ready', 'row 499');
    act().setGenprompDefault();
    await until(() => canvas() === 'ready', 'default');
    expect(state().own.genpromp).toMatchObject({ timesteps: [0, 99], resolutions: [4, 8], groups: null });
    expect(state().results.genpromp!.mapHash).toBe(all);

    act().stepTimestep(1);
    expect(state().own.genpromp.timesteps).toEqual([99]);
    act().stepTimestep(-1);
    act().stepTimestep(-1);
    expect(state().own.genpromp.timesteps).toEqual([499]);
    act().setPlaying(true);
    expect(state().lab.playing).toBe(true);
    expect(runtime.labPlayTimer).not.toBeNull();
    act().setLabView('lambdaStrip'); // leaving the grid stops playing
    expect(state().lab.playing).toBe(false);
    expect(runtime.labPlayTimer).toBeNull();
    await until(() => canvas() === 'ready', 'after play');
    expect(fake.mapsCalls.slice(calls).every((c) => c.lambdas !== undefined)).toBe(true); // only the strip asked
  });
});
