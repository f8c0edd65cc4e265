/**
 * The UI's only door to the engine Worker.
 *
 * Owns the Worker's lifecycle: creates it, wraps it with Comlink, passes progress
 * callbacks as proxies, transfers pixel buffers, and — when the Worker dies
 * (`error` / `messageerror` event) — rejects every pending call, terminates it,
 * starts a fresh one and tells its listeners, so the store can re-initialise.
 * A Comlink call to a dead Worker would otherwise never settle. A Worker that
 * dies silently (closed, killed for memory) is noticed by the watchdog.
 */
import * as Comlink from 'comlink';
import type {
  BackendPreference,
  BeforeDownload,
  DeviceInfo,
  EngineApi,
  EngineOptions,
  ImageAnalysis,
  ImagePixels,
  MapsRequest,
  LearnedClass,
  MapsResult,
  Posteriors,
  PooledFeatures,
  PackFolder,
  PackIndexEntry,
  PackSummary,
  ProgressCallback,
} from '@shared/api';
import { EngineError } from '@shared/errors';
import { workerName } from '@shared/heartbeat';
import { WorkerWatchdog } from './watchdog';

export interface CrashInfo {
  /** What the Worker reported, if anything. */
  message: string;
  /** How many crashes happened in the last minute (including this one). */
  recentCrashes: number;
}

type CrashListener = (info: CrashInfo) => void;

/**
 * The engine as the UI sees it: EngineApi with transfer/proxy handled here
 * (analyzeImage transfers a copy of the pixels, so the caller keeps its own),
 * plus the Worker's lifecycle.
 */
export interface EngineClient extends EngineApi {
  /** Called after the Worker crashed and a fresh one was started. Returns an unsubscribe function. */
  onCrash(listener: CrashListener): () => void;
  /** Terminate and recreate the Worker (last resort for a hang). Pending calls reject. */
  restart(reason: string): void;
}

/** More crashes than this within a minute and the client stops restarting the Worker. */
export const MAX_CRASHES_PER_MINUTE = 3;

function createWorker(name: string): Worker {
  // The literal `new Worker(new URL(…, import.meta.url), { type: 'module' })` is
  // what Vite recognises to bundle the worker; keep it in this exact shape.
  return new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name });
}

/** `?testHooks=1`: e2e tests may make the Worker close silently (see `window.__wsolTestHooks`). */
function testHooksEnabled(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).get('testHooks') === '1';
}

function newToken(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

declare global {
  interface Window {
    /** Present only with `?testHooks=1`. */
    __wsolTestHooks?: {
      killEngineWorkerSilently(): void;
      collectWorkerGarbage(): void;
      workerWasmMemory(): Promise<{ wasmBytes: number; memories: number }>;
    };
  }
}

class WorkerEngineClient implements EngineClient {
  private worker!: Worker;
  private remote!: Comlink.Remote<EngineApi>;
  /** Rejecters of the calls in flight on the current Worker. */
  private pending = new Set<(err: Error) => void>();
  private listeners = new Set<CrashListener>();
  private crashTimes: number[] = [];
  /** Set after too many crashes in a row: no new Worker until `restart()`. */
  private dead: Error | null = null;
  private watchdog: WorkerWatchdog | null = null;
  private readonly testHooks = testHooksEnabled();

  constructor() {
    this.start();
    if (this.testHooks && typeof window !== 'undefined') {
      window.__wsolTestHooks = {
        killEngineWorkerSilently: () => this.watchdog?.sendTestClose(),
        collectWorkerGarbage: () => this.watchdog?.sendTestGc(),
        workerWasmMemory: () => this.watchdog?.requestTestMemory() ?? Promise.resolve({ wasmBytes: 0, memories: 0 }),
      };
    }
  }

  private start(): void {
    const token = newToken();
    const worker = createWorker(workerName({ token, testHooks: this.testHooks }));
    this.worker = worker;
    this.remote = Comlink.wrap<EngineApi>(worker);
    this.watchdog = new WorkerWatchdog({
      token,
      busy: () => this.pending.size > 0,
      onDeath: (message) => {
        if (this.worker === worker) this.crashed(message);
      },
      locks: typeof navigator !== 'undefined' ? navigator.locks : undefined,
    });
    const onDeath = (message: string) => (ev: Event) => {
      ev.preventDefault();
      // Ignore late events from a Worker already replaced.
      if (this.worker === worker) this.crashed(message);
    };
    worker.addEventListener('error', (ev) => {
      const e = ev as ErrorEvent;
      const where = e.filename ? ` (${e.filename.split('/').pop()}:${e.lineno})` : '';
      onDeath(e.message ? `${e.message}${where}` : 'the engine worker failed to start or crashed')(ev);
    });
    worker.addEventListener('messageerror', onDeath('a message from the engine worker could not be read'));
  }

  private crashed(message: string): void {
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < 60_000), now];
    const err = new EngineError('EngineNotReady', `The engine worker stopped: ${message}.`);
    this.teardown(err);
    // A Worker that dies at start-up (e.g. its script fails to load) would die
    // again at once: stop after a few tries instead of looping.
    if (this.crashTimes.length > MAX_CRASHES_PER_MINUTE) this.dead = err;
    else this.start();
    const info: CrashInfo = { message, recentCrashes: this.crashTimes.length };
    for (const l of this.listeners) l(info);
  }

  private teardown(err: Error): void {
    // Stop watching first: terminating the Worker releases its liveness lock.
    this.watchdog?.stop();
    this.watchdog = null;
    const rejecters = [...this.pending];
    this.pending.clear();
    for (const reject of rejecters) reject(err);
    try {
      this.remote[Comlink.releaseProxy]();
    } catch {
      // The port may already be closed.
    }
    this.worker.terminate();
  }

  restart(reason: string): void {
    if (!this.dead) this.teardown(new EngineError('EngineNotReady', `The engine was restarted: ${reason}.`));
    this.dead = null;
    this.crashTimes = [];
    this.start();
  }

  /** Run `fn` against the current Worker; reject if that Worker dies first. */
  private call<T>(fn: (remote: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<T>((resolve, reject) => {
      const rejecter = (err: Error) => reject(err);
      this.pending.add(rejecter);
      fn(this.remote).then(
        (v) => {
          this.pending.delete(rejecter);
          resolve(v);
        },
        (e: unknown) => {
          this.pending.delete(rejecter);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  init(preference?: BackendPreference, options?: EngineOptions): Promise<DeviceInfo> {
    return this.call((r) => r.init(preference, options));
  }

  device(): Promise<DeviceInfo> {
    return this.call((r) => r.device());
  }

  listPacks(indexUrl: string): Promise<PackIndexEntry[]> {
    return this.call((r) => r.listPacks(indexUrl));
  }

  loadPack(baseUrl: string, onProgress?: ProgressCallback, beforeDownload?: BeforeDownload): Promise<PackSummary> {
    // The callbacks live here; the Worker gets proxies to them (MessagePorts) and awaits beforeDownload's answer.
    const cb = onProgress ? Comlink.proxy(onProgress) : undefined;
    const before = beforeDownload ? Comlink.proxy(beforeDownload) : undefined;
    return this.call((r) => r.loadPack(baseUrl, cb, before));
  }

  loadPackFolder(folder: PackFolder, onProgress?: ProgressCallback): Promise<PackSummary> {
    // Files are cloned as handles to the same bytes, not read here.
    const cb = onProgress ? Comlink.proxy(onProgress) : undefined;
    return this.call((r) => r.loadPackFolder(folder, cb));
  }

  cancelPackLoad(): Promise<boolean> {
    return this.call((r) => r.cancelPackLoad());
  }

  analyzeImage(image: ImagePixels): Promise<ImageAnalysis> {
    const rgba = image.rgba.slice();
    const msg: ImagePixels = { width: image.width, height: image.height, rgba };
    return this.call((r) => r.analyzeImage(Comlink.transfer(msg, [rgba.buffer])));
  }

  posteriors(images: ImagePixels[]): Promise<Posteriors> {
    return this.call((r) => r.posteriors(transferredCopies(images)));
  }

  pooledFeatures(
    images: ImagePixels[],
    copies: number,
    seed: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<PooledFeatures> {
    const cb = onProgress ? Comlink.proxy(onProgress) : undefined;
    return this.call((r) => r.pooledFeatures(transferredCopies(images), copies, seed, cb));
  }

  setLearnedClasses(classes: LearnedClass[]): Promise<void> {
    return this.call((r) => r.setLearnedClasses(classes));
  }

  maps(req: MapsRequest): Promise<MapsResult> {
    return this.call((r) => r.maps(req));
  }

  clearCache(): Promise<void> {
    return this.call((r) => r.clearCache());
  }

  onCrash(listener: CrashListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Copies of the images' pixels, transferred to the Worker: the caller keeps its own. */
function transferredCopies(images: ImagePixels[]): ImagePixels[] {
  const msgs = images.map((im) => ({ width: im.width, height: im.height, rgba: im.rgba.slice() }));
  return Comlink.transfer(
    msgs,
    msgs.map((m) => m.rgba.buffer),
  );
}

let client: EngineClient | null = null;

/** The app-wide engine client, created (and the Worker started) on first use. */
export function getEngine(): EngineClient {
  client ??= new WorkerEngineClient();
  return client;
}

/** Tests may install a fake (e.g. an in-thread EngineApi). */
export function setEngineForTests(fake: EngineClient | null): void {
  client = fake;
}
