/**
 * The contract between the UI thread and the engine Worker (reached via Comlink).
 *
 * Heavy work (model runs) happens in the worker and is cached there; cheap work
 * (aggregating cached attention maps, normalising, thresholding, boxes) runs on
 * the UI side with the pure modules in src/shared, so sliders for threshold,
 * resolutions and already-computed timesteps never wait on the worker.
 */
import type { ClassEntry, Manifest, PackIndexEntry } from './manifest';
import type { MethodId } from './methods/registry';
import type { FeatureMap } from './tensor';

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
  /** Download only, once measurable: network bytes per second over the last seconds. */
  bytesPerSecond?: number;
  /** Download only: seconds left at that rate for the bytes not in the cache yet. */
  etaSeconds?: number;
}

export type ProgressCallback = (p: ProgressReport) => void;

export interface PackSummary {
  manifest: Manifest;
  /** Variant precision chosen per model role, e.g. { unet: 'fp32' }. */
  variants: Record<string, string>;
  /** Where the pack came from (URL prefix ending in '/'; `folder:<name>/` for a local folder). */
  baseUrl: string;
  /** 'folder': read from a folder the user picked, validated the same way but never cached. */
  source: 'url' | 'folder';
  fromCache: boolean;
  /**
   * Little-endian float32 files of the pack that the methods' UI-thread maps need
   * (each method lists them in `packArrays`, e.g. CAM's head), keyed by their path.
   */
  arrays: Record<string, Float32Array>;
  /** Where the load's time went (ms): reading files, then creating and warming up each model's session. */
  loadTimings: PackLoadTimings;
}

export interface PackLoadTimings {
  /** Before the files: the manifest, the cache and quota checks (ms). */
  setup: number;
  files: number;
  create: Record<string, number>;
  warmup: Record<string, number>;
  /** Each method's worker side built from the pack (tokenizer, arrays). */
  methods: number;
}

/** A pack folder picked or dropped by the user: manifest.json and the files it lists, by path relative to it. */
export interface PackFolder {
  /** The folder's name, for messages. */
  name: string;
  /** Files are structured-cloneable: the Worker reads them without a copy through the page. */
  files: Record<string, Blob>;
}

/** What a load is about to download, told to the page before the first byte (it may ask for persistent storage). */
export interface DownloadPlan {
  /** Bytes still missing from the cache. */
  bytesToFetch: number;
  filesToFetch: number;
  /** Bytes of the chosen variants and pack files in all. */
  bytesTotal: number;
}

/** Called with the plan before downloading; the load waits for it. */
export type BeforeDownload = (plan: DownloadPlan) => Promise<void> | void;

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
  /** A class taught in this browser (not one of the pack's). */
  learned?: true;
}

export interface ImageAnalysis {
  /** Content hash of the pixels, used as cache key for later calls. */
  imageKey: string;
  topK: ClassScore[];
  /** The classifier's logits over the pack's classes (a learned class's score joins them on the UI thread). */
  logits: Float32Array;
  /** Model input frame [height, width] that maps and boxes refer to. */
  frame: [number, number];
  timings: StageTimings;
  /** The classifier's last feature map (CAM, LPCAM); null when the pack exports none. */
  features: FeatureMap | null;
  /** What a method's own per-image run returned (e.g. SAT's block masks), by method id. */
  methodData: Partial<Record<MethodId, unknown>>;
}

/** A method's raw maps for one image and class (workers/pipelines/<method>/ validates `params`). */
export interface MapsRequest {
  method: MethodId;
  imageKey: string;
  classIndex: number;
  params: unknown;
}

export interface MapsResult {
  request: MapsRequest;
  /** The method's raw maps (for GenPromp: maps[t][output], each resolution² values, row-major). */
  raw: unknown;
  timings: StageTimings;
  /**
   * Raw maps computed in the same run for other values of the method's own parameters
   * (GenPromp: the λ strip's other λ), each with the values that select it; the store caches
   * each under its own raw key.
   */
  alsoComputed?: Array<{ own: Record<string, unknown>; raw: unknown }>;
}

export type StageTimings = Partial<Record<'preprocess' | 'classifier' | 'sat' | 'vae' | 'textEncoder' | 'unet' | 'total', number>> & {
  /** UNet time per timestep (a batched run's time divided by its size). */
  unetPerTimestep?: Record<number, number>;
  /** The largest UNet batch of the request (timesteps × λ values, chunked to the memory budget). */
  unetBatch?: number;
  /** How many UNet runs the request took. */
  unetRuns?: number;
};

/**
 * A class taught in this browser (docs/teach.md). Its index follows the pack's classes; GenPromp
 * conditions on its starting word (f_d) and on its learned concept row in the word's place (f_r).
 */
export interface LearnedClass {
  /** Unique in this browser: keys the class's cached maps (an index is reused after a class is forgotten). */
  id: string;
  index: number;
  name: string;
  /** The starting word: one token of the pack's vocabulary. */
  word: string;
  /** The learned input embedding [embedDim]. */
  conceptRow: Float32Array;
  /** The class's row of the classifier's head [features] and its bias (top-5 and CAM); null when not taught. */
  head: { row: Float32Array; bias: number } | null;
}

/** Pooled classifier features (what the head reads) of N images: [N, dim], row-major, and their logits. */
export interface PooledFeatures {
  features: Float32Array;
  /** The classifier's logits over the pack's classes [N, classes]. */
  logits: Float32Array;
  count: number;
  dim: number;
}

/** VAE posteriors of N images: mean and log-variance [N, C, H, W], flattened. */
export interface Posteriors {
  mean: Float32Array;
  logvar: Float32Array;
  shape: [number, number, number, number];
}

export interface EngineApi {
  /**
   * Probe the device once and pick the backend. `preference` comes from the
   * page URL (?backend=webgpu|wasm); 'auto' uses WebGPU unless it is missing or
   * a software adapter.
   */
  init(preference?: BackendPreference, options?: EngineOptions): Promise<DeviceInfo>;
  device(): Promise<DeviceInfo>;
  listPacks(indexUrl: string): Promise<PackIndexEntry[]>;
  /**
   * Load (download, verify, cache, create sessions, warm up) the pack at `baseUrl`.
   * Before downloading it checks the wasm memory budget and the storage quota, then
   * awaits `beforeDownload`. Cancellable with `cancelPackLoad` (DownloadCancelled).
   */
  loadPack(baseUrl: string, onProgress?: ProgressCallback, beforeDownload?: BeforeDownload): Promise<PackSummary>;
  /** Load a pack from a local folder: the same checks as a download, nothing cached. */
  loadPackFolder(folder: PackFolder, onProgress?: ProgressCallback): Promise<PackSummary>;
  /** Stop the pack load in progress (it rejects with DownloadCancelled); the loaded pack stays. False if none was running. */
  cancelPackLoad(): Promise<boolean>;
  /** Preprocess and classify an image, and run each method's per-image step (VAE, SAT); cached by content. */
  analyzeImage(image: ImagePixels): Promise<ImageAnalysis>;
  /** The VAE posteriors of images, for teaching a new class (textual inversion trains on them). */
  posteriors(images: ImagePixels[]): Promise<Posteriors>;
  /** The classes taught in this browser for the loaded pack (replacing any set before); indices follow the pack's. */
  setLearnedClasses(classes: LearnedClass[]): Promise<void>;
  /**
   * Pooled classifier features of the images and of `copies` augmented versions of each (seeded),
   * the positives of a new classifier row. `onProgress(done, total)` counts classifier inputs.
   */
  pooledFeatures(
    images: ImagePixels[],
    copies: number,
    seed: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<PooledFeatures>;
  /** A method's raw maps (cached in the worker). Latest wins per method: an older queued request rejects with AbortError. */
  maps(req: MapsRequest): Promise<MapsResult>;
  /** Drop the cached download of a pack (Cache API). */
  clearCache(): Promise<void>;
}

export type { ClassEntry, FeatureMap, Manifest, PackIndexEntry };
