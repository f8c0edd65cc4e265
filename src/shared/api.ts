/**
 * The contract between the UI thread and the engine Worker (reached via Comlink).
 *
 * Heavy work (model runs) happens in the worker and is cached there; cheap work
 * (aggregating cached attention maps, normalising, thresholding, boxes) runs on
 * the UI side with the pure modules in src/shared, so sliders for threshold,
 * resolutions and already-computed timesteps never wait on the worker.
 */
import type { FeatureMap } from './baselines/maps';
import type { ClassEntry, Manifest, PackIndexEntry } from './manifest';

export type Backend = 'webgpu' | 'wasm';
export type BackendPreference = Backend | 'auto';

export interface EngineOptions {
  /** wasm threads (default: all cores up to 4 when cross-origin isolated, else 1). */
  wasmThreads?: number;
  /** Use this precision for every model instead of the device's best variant (`?precision=fp32`: compare variants, parity checks). */
  precision?: 'fp32' | 'fp16' | 'int8' | 'q4f16';
}

export interface DeviceInfo {
  backend: Backend;
  /** Why this backend: e.g. "WebGPU adapter: google swiftshader (fallback adapter)". */
  description: string;
  webgpu: {
    available: boolean;
    vendor: string;
    architecture: string;
    isFallbackAdapter: boolean;
    shaderF16: boolean;
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
  } | null;
  wasmThreads: number;
  crossOriginIsolated: boolean;
  /** Set when WebGPU failed (at probe, model creation or device loss) and wasm took over. */
  fallbackReason: string | null;
}

export type ProgressPhase = 'download' | 'verify' | 'create' | 'warmup' | 'inference';

export interface ProgressReport {
  phase: ProgressPhase;
  /** File or stage the report is about. */
  item: string;
  /** Bytes (download/verify) or steps (create/warmup/inference) done so far. */
  done: number;
  total: number;
  text: string;
}

export type ProgressCallback = (p: ProgressReport) => void;

export interface PackSummary {
  manifest: Manifest;
  /** Variant precision chosen per model role, e.g. { unet: 'fp32' }. */
  variants: Record<string, string>;
  /** Where the pack came from (URL prefix ending in '/'). */
  baseUrl: string;
  fromCache: boolean;
  /** The baselines' pack data (manifest.baselines' files), null for packs without baselines. */
  baselines: BaselineData | null;
}

export interface BaselineData {
  /** The classifier head's weights [classes, K], row-major. */
  camHead: Float32Array;
  /** LPCAM's prototypes [N, K]; rows per class in manifest.baselines.lpcam.ranges. */
  lpcamPrototypes: Float32Array | null;
}

/** Per-image inputs of the baselines, from the same classifier run (and one SAT run). */
export interface BaselineInputs {
  /** The classifier's last feature map (CAM, LPCAM). */
  features: FeatureMap;
  /** SAT's per-block masks [blocks, g, g] and its own top-5 (SAT classifies too); null without SAT. */
  sat: { blockMaps: FeatureMap; topK: ClassScore[] } | null;
}

/** RGBA pixels decoded on the UI side (EXIF orientation applied). */
export interface ImagePixels {
  width: number;
  height: number;
  /** width*height*4 bytes, straight (not premultiplied) alpha. */
  rgba: Uint8ClampedArray;
}

export interface ClassScore {
  index: number;
  name: string;
  displayName: string;
  probability: number;
}

export interface ImageAnalysis {
  /** Content hash of the pixels, used as cache key for later calls. */
  imageKey: string;
  topK: ClassScore[];
  /** Model input frame [height, width] that maps and boxes refer to. */
  frame: [number, number];
  timings: StageTimings;
  /** Null when the pack has no baselines. */
  baselines: BaselineInputs | null;
}

export interface GenprompRequest {
  imageKey: string;
  classIndex: number;
  lambda: number;
  timesteps: number[];
}

/**
 * Raw cross-attention maps, one per (timestep, attention output), head-averaged
 * at the class-token position: maps[t][output] is a resolution×resolution
 * Float32Array (row-major). Aggregation into a localisation map is done by
 * src/shared/genpromp/aggregate.ts.
 */
export interface GenprompMaps {
  request: GenprompRequest;
  maps: Record<number, Record<string, Float32Array>>;
  timings: StageTimings;
  /** Timesteps that were served from cache, not run. */
  cachedTimesteps: number[];
}

export type StageTimings = Partial<Record<'preprocess' | 'classifier' | 'sat' | 'vae' | 'textEncoder' | 'unet' | 'total', number>> & {
  /** UNet time per timestep (a batched run's time divided by its size). */
  unetPerTimestep?: Record<number, number>;
  /** How many timesteps the UNet ran in one batch. */
  unetBatch?: number;
};

export interface EngineApi {
  /**
   * Probe the device once and pick the backend. `preference` comes from the
   * page URL (?backend=webgpu|wasm); 'auto' uses WebGPU unless it is missing or
   * a software adapter.
   */
  init(preference?: BackendPreference, options?: EngineOptions): Promise<DeviceInfo>;
  device(): Promise<DeviceInfo>;
  listPacks(indexUrl: string): Promise<PackIndexEntry[]>;
  /** Load (download, verify, cache, create sessions, warm up) the pack at `baseUrl`. */
  loadPack(baseUrl: string, onProgress?: ProgressCallback): Promise<PackSummary>;
  /** Preprocess, classify and VAE-encode an image; cached by content. */
  analyzeImage(image: ImagePixels): Promise<ImageAnalysis>;
  /** Attention maps for one class and λ at the given timesteps (cached per timestep). */
  genprompMaps(req: GenprompRequest): Promise<GenprompMaps>;
  /** Drop the cached download of a pack (Cache API). */
  clearCache(): Promise<void>;
}

export type { ClassEntry, FeatureMap, Manifest, PackIndexEntry };
