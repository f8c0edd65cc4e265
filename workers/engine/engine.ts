/**
 * The engine behind the Worker boundary: owns the device, the pack's sessions, the
 * shared per-image analysis, each method's worker side (workers/pipelines/registry.ts)
 * and a serial queue. Maps requests are "latest wins" per method: a queued request
 * is dropped (AbortError) when a newer one for the same method arrives.
 */
import type {
  BackendPreference,
  BeforeDownload,
  DeviceInfo,
  EngineApi,
  EngineOptions,
  ImageAnalysis,
  ImagePixels,
  MapsRequest,
  MapsResult,
  PackFolder,
  PackLoadTimings,
  LearnedClass,
  PackSummary,
  Posteriors,
  PooledFeatures,
  ProgressCallback,
} from '@shared/api';
import { EngineError, abortError } from '@shared/errors';
import { packFiles, packRoles } from '@shared/manifest';
import type { Manifest, ModelRole, ModelVariant, TensorSpec, VariantPrecision } from '@shared/manifest';
import { ALL_METHODS, type MethodId } from '@shared/methods/registry';
import type { InferenceBackend, ModelSession, TensorData } from '../runtime/backend';
import { ImageAnalyzer } from '../pipelines/analysis/analyze';
import { encodePosteriors } from '../teach/posteriors';
import { pooledFeatures } from '../teach/pooledFeatures';
import { WORKER_METHODS } from '../pipelines/registry';
import type { MethodWorker } from '../pipelines/types';
import type { ProbeResult } from './device';
import { resolvePackPath } from '@shared/packUrl';
import { checkStorageQuota, checkWasmMemoryBudget, totalBytes } from './budgets';
import type { StorageEstimator } from './budgets';
import { folderSource } from './folderSource';
import { CACHE_NAME, filesToDownload, loadFiles, loadManifest, loadPackIndex, throwIfCancelled } from './packLoader';
import type { CacheLike, FetchFn } from './packLoader';
import { chooseVariant } from './variants';
import { yieldToEventLoop } from './yieldToEventLoop';

/** Errors that a different backend would not fix. */
const PACK_ERRORS = new Set([
  'ManifestInvalid',
  'ModelIOMismatch',
  'IntegrityError',
  'DownloadFailed',
  'PackNotFound',
  'DownloadCancelled',
  'StorageQuotaExceeded',
  'MemoryBudgetExceeded',
]);

export interface EngineDeps {
  probe: (preference: BackendPreference, options: EngineOptions) => Promise<ProbeResult>;
  createBackend: (probe: ProbeResult) => InferenceBackend;
  fetch: FetchFn;
  openCache: () => Promise<CacheLike | null>;
  /** `navigator.storage` where the Worker has it: the quota check before a download. */
  storage?: StorageEstimator | null;
  preference?: BackendPreference;
  /** Force one precision for every model (parity tests and benchmarks use fp32). */
  forcePrecision?: VariantPrecision;
}

/** Where a pack's files come from: a URL prefix (cached) or a local folder (never cached). */
interface PackSource {
  kind: PackSummary['source'];
  baseUrl: string;
  fetch: FetchFn;
}

interface LoadOptions {
  onProgress?: ProgressCallback;
  beforeDownload?: BeforeDownload;
  signal?: AbortSignal;
}

interface LoadedPack {
  summary: PackSummary;
  source: PackSource;
  analyzer: ImageAnalyzer;
  /** The worker side of each method this pack can show and that has one. */
  methods: Map<MethodId, MethodWorker>;
  sessions: Partial<Record<ModelRole, ModelSession>>;
  /** Classes taught in this browser for this pack (setLearnedClasses). */
  learned: LearnedClass[];
}

export class Engine implements EngineApi {
  private probeResult: ProbeResult | null = null;
  private backend: InferenceBackend | null = null;
  private forcePrecision: VariantPrecision | undefined;
  private pack: LoadedPack | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Ticket of the latest maps request per method ("latest wins"). */
  private readonly latestMaps = new Map<MethodId, number>();
  private mapsTickets = 0;
  /** Pack loads called and not finished; `cancelPackLoad` aborts them. */
  private readonly activeLoads = new Set<AbortController>();

  constructor(private readonly deps: EngineDeps) {}

  /** Run jobs one at a time (ORT allows one run per instance). */
  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async init(preference?: BackendPreference, options: EngineOptions = {}): Promise<DeviceInfo> {
    if (!this.probeResult) {
      this.probeResult = await this.deps.probe(preference ?? this.deps.preference ?? 'auto', options);
      this.forcePrecision = options.precision ?? this.deps.forcePrecision;
      this.backend = this.deps.createBackend(this.probeResult);
      this.watchDeviceLoss();
    }
    return this.probeResult.info;
  }

  async device(): Promise<DeviceInfo> {
    await this.init();
    return this.probeResult!.info;
  }

  private watchDeviceLoss(): void {
    const dev = this.probeResult?.device;
    dev?.lost.then((lost) => {
      if (this.probeResult?.device !== dev) return; // a deliberate switch, not a loss
      void this.enqueue(() => this.fallBackToWasm(`WebGPU device lost (${lost.reason}): ${lost.message}`));
    });
  }

  /**
   * Switch to wasm and rebuild the current pack's sessions. The wasm variants may be
   * other files than the WebGPU ones; buildPack fetches them (from the Cache API
   * when they were seen before).
   */
  private async fallBackToWasm(reason: string): Promise<void> {
    const prev = this.probeResult!;
    if (prev.info.backend === 'wasm') return; // a loss noticed twice (run failure + lost promise)
    const info: DeviceInfo = {
      ...prev.info,
      backend: 'wasm',
      description: `wasm (CPU, ${prev.info.wasmThreads} threads) after a WebGPU failure`,
      fallbackReason: reason,
    };
    this.probeResult = { info };
    this.backend = this.deps.createBackend(this.probeResult);
    if (this.pack) {
      const old = this.pack;
      this.pack = await this.buildPack(old.summary.manifest, old.source, {});
      // Analyses, latents, text embeddings and maps do not depend on the backend:
      // keep them, so the image on screen keeps working after the switch.
      this.pack.analyzer.adoptCaches(old.analyzer);
      for (const [id, worker] of this.pack.methods) {
        const prev = old.methods.get(id);
        if (prev) worker.adoptCaches?.(prev);
        worker.setLearnedClasses?.(old.learned);
      }
      this.pack.learned = old.learned;
      await releaseSessions(old.sessions);
    }
  }

  async listPacks(indexUrl: string) {
    return loadPackIndex({ fetch: this.deps.fetch, cache: null }, indexUrl);
  }

  loadPack(location: string, onProgress?: ProgressCallback, beforeDownload?: BeforeDownload): Promise<PackSummary> {
    const source = (): PackSource => ({
      kind: 'url',
      baseUrl: resolvePackPath(location, (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/'),
      fetch: this.deps.fetch,
    });
    return this.load(source, { onProgress, beforeDownload });
  }

  loadPackFolder(folder: PackFolder, onProgress?: ProgressCallback): Promise<PackSummary> {
    return this.load(() => folderSource(folder), { onProgress });
  }

  async cancelPackLoad(): Promise<boolean> {
    const running = this.activeLoads.size > 0;
    for (const controller of this.activeLoads) controller.abort();
    this.activeLoads.clear();
    return running;
  }

  private openCacheFor(source: PackSource): Promise<CacheLike | null> {
    return source.kind === 'folder' ? Promise.resolve(null) : this.deps.openCache();
  }

  private load(makeSource: () => PackSource, options: Omit<LoadOptions, 'signal'>): Promise<PackSummary> {
    // Registered at call time, so Cancel also stops a load still queued behind another job.
    const controller = new AbortController();
    this.activeLoads.add(controller);
    const opts: LoadOptions = { ...options, signal: controller.signal };
    return this.enqueue(async () => {
      try {
        throwIfCancelled(controller.signal);
        await this.init();
        const source = makeSource();
        // The manifest is revalidated online (it is small and says what changed);
        // the model files are content-addressed in the cache.
        const cache = await this.openCacheFor(source);
        const { manifest } = await loadManifest({ fetch: source.fetch, cache, signal: controller.signal }, source.baseUrl);
        let next: LoadedPack;
        try {
          next = await this.buildPack(manifest, source, opts);
        } catch (err) {
          // Creation or warm-up failing on WebGPU (missing f16, out of memory, a
          // kernel the EP lacks) is the device's fault, not the pack's: use wasm.
          if (this.backend?.kind !== 'webgpu' || PACK_ERRORS.has((err as Error).name)) throw err;
          await this.fallBackToWasm(`WebGPU could not run this pack: ${String((err as Error).message)}`);
          next = await this.buildPack(manifest, source, opts);
        }
        await this.releasePack();
        this.pack = next;
        return this.pack.summary;
      } finally {
        this.activeLoads.delete(controller);
      }
    });
  }

  /** Whether sessions get a run on zeros at load: on a hardware WebGPU adapter, to compile its shaders. */
  private warmsUp(): boolean {
    const info = this.probeResult!.info;
    return info.backend === 'webgpu' && !info.webgpu?.isFallbackAdapter;
  }

  private chooseVariants(m: Manifest): Partial<Record<ModelRole, ModelVariant>> {
    const info = this.probeResult!.info;
    const features = new Set<string>(info.backend === 'webgpu' && info.webgpu?.shaderF16 ? ['shader-f16'] : []);
    const out: Partial<Record<ModelRole, ModelVariant>> = {};
    for (const role of packRoles(m)) out[role] = chooseVariant(m.models[role]!, info.backend, features, this.forcePrecision);
    return out;
  }

  /**
   * Fetch (or read from the cache) the files of the variants chosen for the current
   * backend, create and warm up their sessions (a `modelsOnFirstUse` method's on its first
   * request). The bytes are dropped afterwards, but for those sessions not yet created: ORT
   * keeps its own copy, and a rebuild re-reads them from the Cache API.
   */
  private async buildPack(
    manifest: Manifest,
    source: PackSource,
    { onProgress, beforeDownload, signal }: LoadOptions,
  ): Promise<LoadedPack> {
    const setupStart = performance.now();
    const { baseUrl } = source;
    const chosen = this.chooseVariants(manifest);
    const roles = packRoles(manifest);
    // Both checks come before the first byte: a 4 GB download that cannot run or cannot be stored helps nobody.
    checkWasmMemoryBudget(manifest.models, chosen, this.backend!.kind);
    const deps = { fetch: source.fetch, cache: await this.openCacheFor(source), ...(signal ? { signal } : {}) };
    const needed = packFiles(manifest, new Set(Object.values(chosen).map((v) => v!.path)));
    if (deps.cache) {
      const missing = await filesToDownload(deps, baseUrl, needed);
      const bytesToFetch = totalBytes(missing);
      await checkStorageQuota(this.deps.storage ?? null, bytesToFetch);
      if (missing.length > 0) await beforeDownload?.({ bytesToFetch, filesToFetch: missing.length, bytesTotal: totalBytes(needed) });
    }
    const filesStart = performance.now();
    const { data: files, fromCache, cacheWrites } = await loadFiles(deps, baseUrl, needed, onProgress, { deferCacheWrites: true });
    throwIfCancelled(signal);
    const loadTimings: PackLoadTimings = {
      setup: filesStart - setupStart,
      files: performance.now() - filesStart,
      create: {},
      warmup: {},
      methods: 0,
    };

    const sessions: Partial<Record<ModelRole, ModelSession>> = {};
    const create = async (role: ModelRole, bytes: ReadonlyMap<string, Uint8Array>): Promise<ModelSession> => {
      const v = chosen[role]!;
      const spec = manifest.models[role]!;
      const createStart = performance.now();
      const session = await this.backend!.createSession(bytes.get(v.path)!, {
        label: `${role} (${v.path})`,
        externalData: v.externalData.map((e) => ({ path: e.path, data: bytes.get(e.path)! })),
      });
      loadTimings.create[role] = performance.now() - createStart;
      try {
        checkIO(role, v.path, session, spec.inputs, spec.outputs);
      } catch (err) {
        await session.release();
        throw err;
      }
      sessions[role] = session; // released with the pack, however it was created
      return session;
    };
    // Roles only `modelsOnFirstUse` methods run wait for their first request (PackContext.session).
    const later = rolesOnFirstUse(manifest);
    const atLoad = roles.filter((r) => !later.has(r));
    try {
      for (const [i, role] of atLoad.entries()) {
        onProgress?.({
          phase: 'create',
          item: role,
          done: i,
          total: atLoad.length,
          text: `Creating ${role} (${chosen[role]!.precision}, ${this.backend!.kind})`,
        });
        await create(role, files);
      }
      onProgress?.({ phase: 'create', item: '', done: atLoad.length, total: atLoad.length, text: 'Models ready' });

      // WebGPU compiles its shaders on a session's first run: do that now, not on the first image
      // (a failure here also falls back to wasm, above). On wasm a run on zeros only delays the
      // first map: skipping it brought page open → live map from 3.0–3.3 s to 2.8–2.9 s (bench firstView).
      // A software adapter (SwiftShader, only when ?backend=webgpu forces it) is compute-bound, not
      // compile-bound: sd-tiny-random's warm-up took 62 s there (VAE 40 s, UNet 33 s) and saved nothing.
      for (const [i, role] of (this.warmsUp() ? atLoad : []).entries()) {
        onProgress?.({ phase: 'warmup', item: role, done: i, total: atLoad.length, text: `Warming up ${role}` });
        const warmStart = performance.now();
        await sessions[role]!.run(zeroFeeds(manifest.models[role]!.inputs));
        loadTimings.warmup[role] = performance.now() - warmStart;
      }
    } catch (err) {
      await releaseSessions(sessions);
      throw err;
    }
    // Only the later roles' bytes are kept for them (a big pack's other files are dropped as before).
    const laterBytes = new Map<string, Uint8Array>();
    for (const role of later) {
      const v = chosen[role]!;
      for (const path of [v.path, ...v.externalData.map((e) => e.path)]) laterBytes.set(path, files.get(path)!);
    }
    const pending = new Map<ModelRole, Promise<ModelSession>>();
    const session = (role: ModelRole): Promise<ModelSession> => {
      const have = sessions[role];
      if (have) return Promise.resolve(have);
      if (!later.has(role)) return Promise.reject(new EngineError('ManifestInvalid', `Pack ${manifest.id} has no ${role} model`));
      let p = pending.get(role);
      if (!p) {
        p = create(role, laterBytes);
        pending.set(role, p);
        p.catch(() => pending.delete(role)); // a failed creation is tried again on the next request
      }
      return p;
    };
    onProgress?.({ phase: 'warmup', item: '', done: atLoad.length, total: atLoad.length, text: 'Ready' });

    // Each method the pack can show builds its worker side (tokenizer, caches…).
    const methodsStart = performance.now();
    const methods = new Map<MethodId, MethodWorker>();
    const arrays: Record<string, Float32Array> = {};
    try {
      for (const def of ALL_METHODS) {
        if (def.unavailable(manifest) !== null) continue;
        const factory = WORKER_METHODS[def.id];
        if (factory) methods.set(def.id, factory({ manifest, sessions, session, files, backend: this.backend!.kind }));
        for (const ref of def.packArrays(manifest)) arrays[ref.path] = float32File(files, ref.path);
      }
    } catch (err) {
      await releaseSessions(sessions);
      throw err;
    }
    const analyzer = new ImageAnalyzer(manifest, sessions.classifier!, methods);
    loadTimings.methods = performance.now() - methodsStart;
    try {
      await cacheWrites; // a full disk fails the load as before, only later
    } catch (err) {
      await releaseSessions(sessions);
      throw err;
    }
    const variants = Object.fromEntries(roles.map((r) => [r, chosen[r]!.precision]));
    return {
      summary: { manifest, variants, baseUrl, source: source.kind, fromCache, arrays, loadTimings },
      source,
      analyzer,
      methods,
      sessions,
      learned: [],
    };
  }

  private async releasePack(): Promise<void> {
    if (!this.pack) return;
    await releaseSessions(this.pack.sessions);
    this.pack = null;
  }

  private requirePack(): LoadedPack {
    if (!this.pack) throw new EngineError('EngineNotReady', 'No model pack is loaded yet; wait for the pack to finish loading');
    return this.pack;
  }

  analyzeImage(image: ImagePixels): Promise<ImageAnalysis> {
    return this.enqueue(() => this.withDeviceRetry(() => this.requirePack().analyzer.analyze(image)));
  }

  posteriors(images: ImagePixels[]): Promise<Posteriors> {
    return this.enqueue(() =>
      this.withDeviceRetry(() => {
        const pack = this.requirePack();
        return encodePosteriors(pack.summary.manifest, pack.sessions.vae_encoder, images);
      }),
    );
  }

  pooledFeatures(
    images: ImagePixels[],
    copies: number,
    seed: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<PooledFeatures> {
    return this.enqueue(() =>
      this.withDeviceRetry(() => {
        const pack = this.requirePack();
        return pooledFeatures(pack.summary.manifest, pack.sessions.classifier!, images, copies, seed, onProgress);
      }),
    );
  }

  setLearnedClasses(classes: LearnedClass[]): Promise<void> {
    return this.enqueue(async () => {
      const pack = this.requirePack();
      // Every method checks before any takes them: a refused class leaves the previous set in place.
      const previous = pack.learned;
      try {
        for (const worker of pack.methods.values()) worker.setLearnedClasses?.(classes);
        pack.learned = classes;
      } catch (err) {
        for (const worker of pack.methods.values()) worker.setLearnedClasses?.(previous);
        throw err;
      }
    });
  }

  maps(req: MapsRequest): Promise<MapsResult> {
    const ticket = ++this.mapsTickets;
    this.latestMaps.set(req.method, ticket);
    const superseded = () => this.latestMaps.get(req.method) !== ticket;
    return this.enqueue(async () => {
      // Let newer requests posted during the previous (thread-blocking) run arrive first,
      // so superseded ones are dropped instead of each running the UNet (e2e/stress.spec.ts).
      await yieldToEventLoop();
      if (superseded()) throw abortError(`${req.method} request`);
      return this.withDeviceRetry(() => {
        const pack = this.requirePack();
        const worker = pack.methods.get(req.method);
        if (!worker?.maps)
          throw new EngineError('InvalidInput', `Pack ${pack.summary.manifest.id} computes no ${req.method} maps in the engine`);
        return worker.maps(req, pack.analyzer.stateOf(req.imageKey, req.method), superseded);
      });
    });
  }

  /** A run that fails because the GPU went away is retried once on wasm. */
  private async withDeviceRetry<T>(job: () => Promise<T>): Promise<T> {
    try {
      return await job();
    } catch (err) {
      const msg = String((err as Error)?.message ?? err);
      if (this.backend?.kind === 'webgpu' && /device (was )?lost|GPUDevice|destroyed/i.test(msg)) {
        await this.fallBackToWasm(`WebGPU failed during a run: ${msg}`);
        return job();
      }
      throw err;
    }
  }

  async clearCache(): Promise<void> {
    await (globalThis as { caches?: CacheStorage }).caches?.delete(CACHE_NAME);
  }
}

/** The model roles that only `modelsOnFirstUse` methods of this pack run (the classifier is never one). */
function rolesOnFirstUse(m: Manifest): Set<ModelRole> {
  const shown = ALL_METHODS.filter((d) => d.unavailable(m) === null);
  const needed = new Set<ModelRole>(['classifier', ...shown.filter((d) => !d.modelsOnFirstUse).flatMap((d) => d.models)]);
  return new Set(shown.filter((d) => d.modelsOnFirstUse).flatMap((d) => d.models.filter((r) => !needed.has(r))));
}

async function releaseSessions(sessions: Partial<Record<ModelRole, ModelSession>>): Promise<void> {
  await Promise.all(Object.values(sessions).map((s) => s.release().catch(() => undefined)));
}

/** A little-endian float32 file of the pack (its size was checked against the manifest's shape and sha256). */
function float32File(files: Map<string, Uint8Array>, path: string): Float32Array {
  const bytes = files.get(path)!;
  return new Float32Array(bytes.slice().buffer);
}

/** The graph's names must be those the manifest promises, or runs would fail later. */
function checkIO(role: ModelRole, path: string, s: ModelSession, inputs: TensorSpec[], outputs: TensorSpec[]): void {
  const want = (specs: TensorSpec[]) =>
    specs
      .map((x) => x.name)
      .sort()
      .join(', ');
  const got = (names: readonly string[]) => [...names].sort().join(', ');
  if (want(inputs) !== got(s.inputNames) || want(outputs) !== got(s.outputNames)) {
    throw new EngineError(
      'ModelIOMismatch',
      `${path} (${role}) has inputs [${got(s.inputNames)}] and outputs [${got(s.outputNames)}], but the manifest lists ` +
        `[${want(inputs)}] and [${want(outputs)}]. The manifest and the model come from different exports; re-export the pack.`,
    );
  }
}

/** Zero inputs with free dimensions set to 1, for warm-up. */
function zeroFeeds(inputs: TensorSpec[]): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {};
  for (const spec of inputs) {
    const dims = spec.dims.map((d) => (typeof d === 'number' ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[spec.name] =
      spec.dtype === 'int32' ? { dtype: 'int32', dims, data: new Int32Array(n) } : { dtype: 'float32', dims, data: new Float32Array(n) };
  }
  return feeds;
}
