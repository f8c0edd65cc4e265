/**
 * The store's runtime state: what is not UI state but must survive between actions —
 * the engine generation, requests in flight, sequence counters, the map cache and
 * the per-frame schedulers. One object with one `reset()`, so tests start clean
 * without reloading modules, and a worker crash and a user restart forget the
 * same things.
 */
import type { PackFolder, ProgressReport, StageTimings } from '@shared/api';
import { LruCache } from '@shared/lru';
import type { MethodId } from '@shared/methods/registry';
import type { TauCurve } from '@shared/metrics/tauCurve';

/** A method's raw maps for one rawKey, with the worker's stage times for engine methods. */
export interface RawEntry {
  raw: unknown;
  timings: StageTimings | null;
}

/** Raw maps ('raw|' keys) and aggregated native maps ('agg|' keys) of every method. */
const MAP_CACHE_SIZE = 128;
const TAU_CURVE_CACHE_SIZE = 256;

class Runtime {
  booted = false;
  /** Incremented when the worker crashes or restarts: work started before belongs to a dead worker. */
  engineGen = 0;
  lastPackUrl: string | null = null;
  /** Set instead of lastPackUrl when the pack came from a local folder: a restarted engine reloads it from these Files. */
  lastPackFolder: PackFolder | null = null;
  packLoadSeq = 0;
  imageSeq = 0;
  errorSeq = 0;
  noticeSeq = 0;
  /** Requests in flight. Tokens (not flags), so a superseded request's late `finally` cannot clear a newer one. */
  analyzeInFlight: object | null = null;
  readonly mapsInFlight = new Map<MethodId, { token: object; reqKey: string }>();
  /** The one cache of the derive path (src/store/derive.ts). */
  readonly maps = new LruCache<string, unknown>(MAP_CACHE_SIZE);
  /** IoU-vs-τ curves (small), apart from the maps so they never push a map out. */
  readonly tauCurves = new LruCache<string, TauCurve>(TAU_CURVE_CACHE_SIZE);
  /** Progress reports arrive per chunk; they are buffered and applied once per frame. */
  progressBuf: ProgressReport[] = [];
  progressScheduled = false;
  localScheduled = false;
  /** The t × resolution grid's play interval (slices/lab.ts), null when not playing. */
  labPlayTimer: ReturnType<typeof setInterval> | null = null;

  /** Forget the work of the current engine (after a crash or a restart): nothing in flight, nothing cached. */
  forgetEngineWork(): void {
    this.engineGen++;
    this.analyzeInFlight = null;
    this.mapsInFlight.clear();
    this.maps.clear();
    this.tauCurves.clear();
  }

  /** Back to a fresh page load (tests). */
  reset(): void {
    this.forgetEngineWork();
    this.booted = false;
    this.lastPackUrl = null;
    this.lastPackFolder = null;
    this.packLoadSeq = 0;
    this.imageSeq = 0;
    this.errorSeq = 0;
    this.noticeSeq = 0;
    this.progressBuf = [];
    this.progressScheduled = false;
    this.localScheduled = false;
    if (this.labPlayTimer !== null) clearInterval(this.labPlayTimer);
    this.labPlayTimer = null;
  }
}

export const runtime = new Runtime();

export const raf: (cb: () => void) => unknown =
  typeof requestAnimationFrame === 'function' ? (cb) => requestAnimationFrame(cb) : (cb) => setTimeout(cb, 16);
