/**
 * State shape: one zustand store made of typed slices.
 *
 * Large typed arrays (pixels, maps) are held by reference and always replaced,
 * never mutated, so equality checks in selectors stay cheap and correct.
 */
import type {
  DeviceInfo,
  ImageAnalysis,
  ImagePixels,
  PackIndexEntry,
  PackSummary,
  ProgressPhase,
  ProgressReport,
  StageTimings,
} from '../shared/api';
import type { ImageInfo } from '../shared/image/sniff';
import type { Box } from '../shared/postprocess';

export type Colormap = 'viridis' | 'jet' | 'gray';
export type BoxMode = 'largest' | 'all';
export type CanvasState = 'empty' | 'updating' | 'ready';

/** An entry of public/samples/index.json. Boxes are in original image pixels. */
export interface Sample {
  file: string;
  label: string;
  boxes?: Box[];
}

export interface LoadedImage {
  /** Increments with every accepted image; results carry it to detect staleness. */
  id: number;
  name: string;
  /** Decoded RGBA (EXIF orientation applied). A copy is sent to the worker. */
  pixels: ImagePixels;
  /** The same picture for drawing. */
  bitmap: ImageBitmap;
  info: ImageInfo;
  /** Set when the image came from the gallery (its ground-truth boxes). */
  sample: Sample | null;
}

export interface GenprompParams {
  /** null until the classifier's top-1 arrives for the current image. */
  classIndex: number | null;
  lambda: number;
  timesteps: number[];
  resolutions: number[];
  threshold: number;
  boxMode: BoxMode;
}

/** A localisation method of the app: GenPromp and the three baselines (baselines.md). */
export type Method = 'genpromp' | 'cam' | 'lpcam' | 'sat';
/** One method large, or all four side by side on the same image, class and threshold. */
export type Layout = 'single' | 'compare';

export interface MethodParams {
  method: Method;
  layout: Layout;
  /** LPCAM: subtract the mean cosine to the class's context prototypes. */
  lpcamContext: boolean;
  /** SAT: the mean of the SQA blocks' masks (SAT's map) or one block (index into manifest.baselines.sat.blocks). */
  satBlock: number | 'mean';
}

export interface ViewParams {
  colormap: Colormap;
  opacity: number;
  showGt: boolean;
}

export interface Analysis extends ImageAnalysis {
  imageId: number;
  packGen: number;
}

/** A localisation map in the model frame with its boxes: what a canvas draws. */
export interface MapResult {
  /** [height, width] of the model frame that map and boxes refer to. */
  frame: [number, number];
  /** frame-sized map in [0, 1]. */
  frameMap: Float32Array;
  mapHash: string;
  /** Predicted boxes, frame pixels. */
  boxes: Box[];
  /** Ground-truth boxes scaled to the frame (empty without a sample). */
  gtBoxes: Box[];
  /** Best IoU between a predicted and a GT box; null without GT. */
  iou: number | null;
}

/** GenPromp's result: always tagged with the full parameter key it was computed for. */
export interface DisplayResult extends MapResult {
  key: string;
  aggKey: string;
  imageId: number;
  timings: StageTimings | null;
}

/** One baseline's result for the current image, class, threshold and its own parameters. */
export interface BaselineDisplay extends MapResult {
  key: string;
}

/** An error as stored: the UI maps `name` to user text (src/app/errorMessages.ts). */
export interface AppError {
  id: number;
  name: string;
  message: string;
  /** What the app was doing, e.g. "Loading the pack at …". */
  context: string | null;
}

export interface Notice {
  id: number;
  text: string;
}

export type PackStatus = 'idle' | 'loading' | 'ready' | 'error';
export type EngineStatus = 'starting' | 'ready' | 'failed';

export interface DeviceSlice {
  device: DeviceInfo | null;
  engineStatus: EngineStatus;
}

export interface PackSlice {
  packIndex: PackIndexEntry[];
  /** Absolute URL of models/index.json. */
  indexUrl: string;
  pack: PackSummary | null;
  /** Increments on every successful load; analyses and maps carry it. */
  packGen: number;
  packStatus: PackStatus;
  /** Base URL being loaded right now. */
  loadingUrl: string | null;
}

export interface ProgressSlice {
  /** Latest report per phase of the current pack load. */
  progress: Partial<Record<ProgressPhase, ProgressReport>>;
  /** Phase of the most recent report. */
  progressPhase: ProgressPhase | null;
}

export interface ImageSlice {
  image: LoadedImage | null;
  /** null: no gallery (index absent or unreadable). */
  samples: Sample[] | null;
  /** Absolute URL of the samples folder (ends in '/'). */
  samplesBase: string;
  decoding: boolean;
}

export interface ParamsSlice {
  params: GenprompParams;
  methods: MethodParams;
  view: ViewParams;
}

export interface ResultsSlice {
  analysis: Analysis | null;
  /** Timesteps already computed for the current (image, class, λ). */
  computedTimesteps: number[];
  display: DisplayResult | null;
  /** What the current parameters are waiting for. */
  pending: { analyze: boolean; maps: boolean; local: boolean };
  /** Key of the last request that failed for the current parameters (not retried until they change). */
  failedKey: string | null;
}

export interface ErrorSlice {
  error: AppError | null;
  notices: Notice[];
}

export type AppState = DeviceSlice & PackSlice & ProgressSlice & ImageSlice & ParamsSlice & ResultsSlice & ErrorSlice;

export type { ProgressPhase };
