/**
 * State shape: one zustand store made of typed slices.
 *
 * Large typed arrays (pixels, maps) are held by reference and always replaced,
 * never mutated, so equality checks in selectors stay cheap and correct.
 */
import type { ImageAnalysis, ImagePixels, ProgressPhase, StageTimings } from '@shared/api';
import type { ImageInfo } from '@shared/image/sniff';
import type { StateCreator } from 'zustand';
import type { MethodId } from '@shared/methods/registry';
import type { FailureType } from '@shared/metrics/failure';
import type { TauCurve } from '@shared/metrics/tauCurve';
import type { Box } from '@shared/postprocess';
import type { BenchmarkSlice } from './slices/benchmark';
import type { TeachSlice } from './slices/teach';
import type { EngineSlice } from './slices/engine';
import type { ErrorSlice } from './slices/errors';
import type { FirstViewSlice } from './slices/firstView';
import type { ImageSlice } from './slices/image';
import type { LabSlice } from './slices/lab';
import type { PackSlice } from './slices/pack';
import type { ProbeSlice } from './slices/probe';
import type { ParamsSlice } from './slices/params';
import type { ResultsSlice } from './slices/results';
import type { TourSlice } from './slices/tour';

export type Colormap = 'viridis' | 'jet' | 'gray';
export type BoxMode = 'largest' | 'all';
/** 'precomputed': a map from the precomputed first view, shown until the live one is ready. */
export type CanvasState = 'empty' | 'updating' | 'ready' | 'precomputed';

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

/** Parameters every method shares. */
export interface SharedParams {
  /** null until the classifier's top-1 arrives for the current image. */
  classIndex: number | null;
  threshold: number;
  boxMode: BoxMode;
}

/** One method large, or every method side by side on the same image, class and threshold. */
export type Layout = 'single' | 'compare';

export interface MethodChoice {
  method: MethodId;
  layout: Layout;
}

export interface ViewParams {
  colormap: Colormap;
  opacity: number;
  showGt: boolean;
  /** Show the sanity baselines (centre Gaussian, random map, Sobel) in the side-by-side view too. */
  compareBaselines: boolean;
}

/** Where the ground truth of the current image comes from: the gallery sample's boxes, or a box the user drew. */
export type GtSource = 'sample' | 'drawn';

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
  /** The box rule they were drawn with. */
  boxMode: BoxMode;
  /** Ground-truth boxes scaled to the frame (empty without a sample). */
  gtBoxes: Box[];
  /** Best IoU between a predicted and a GT box; null without GT. */
  iou: number | null;
  /** null without GT. */
  gtSource: GtSource | null;
  /** [min, max] of the upsampled map before min-max normalisation (raw = min + frameMap·(max − min)). */
  rawRange: [number, number];
  /** IoU against τ on the τ grid (box mode as drawn); null without GT. Independent of τ. */
  tauCurve: TauCurve | null;
  /** TS-CAM failure type at the current τ; null without GT. */
  failure: FailureType | null;
}

/** A method's result, tagged with the full parameter key it was derived for. */
export interface MethodResult extends MapResult {
  /** Display key (src/store/keys.ts): pack, image, class, own parameters, threshold, box mode. */
  key: string;
  aggKey: string;
  imageId: number;
  /** Stage times of the runs behind this map (the image's analysis, and the worker's for engine methods). */
  timings: StageTimings | null;
  /** The method's remark for this map (e.g. SAT's own top-1), or null. */
  note: string | null;
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

/** 'cancelled': the user stopped a download and no earlier pack is loaded. */
export type PackStatus = 'idle' | 'loading' | 'ready' | 'error' | 'cancelled';
export type EngineStatus = 'starting' | 'ready' | 'failed';

/** The whole store: every slice's state and actions. */
export type AppState = EngineSlice &
  PackSlice &
  ImageSlice &
  ParamsSlice &
  ResultsSlice &
  ErrorSlice &
  ProbeSlice &
  LabSlice &
  TourSlice &
  BenchmarkSlice &
  FirstViewSlice &
  TeachSlice;

export type Slice<T> = StateCreator<AppState, [], [], T>;

/** What the results slice holds (declared here: the slice types refer to it). */
export interface ResultsState {
  analysis: Analysis | null;
  /** Per method: its latest result (current only when its key equals the current display key). */
  results: Partial<Record<MethodId, MethodResult>>;
  /** Per engine method: the raw maps cached for its current parameters (GenPromp: the computed timesteps). */
  currentRaw: Partial<Record<MethodId, unknown>>;
  /** What the current parameters are waiting for. */
  pending: { analyze: boolean; maps: boolean; local: boolean };
  /** Keys (analysis, raw maps or display) that failed for the current parameters: not retried until they change. */
  failed: Readonly<Record<string, true>>;
}

export type { ProgressPhase };
