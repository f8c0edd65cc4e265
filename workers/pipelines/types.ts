/**
 * The worker side of a method (workers/pipelines/<id>/): what it does once per
 * image inside the shared analysis, and what it computes per request. Methods whose
 * maps come entirely from the shared classifier run (CAM, LPCAM) need neither.
 */
import type { Backend, ImagePixels, LearnedClass, MapsRequest, MapsResult, StageTimings } from '@shared/api';
import type { Manifest, ModelRole } from '@shared/manifest';
import type { ModelSession } from '../runtime/backend';

/** What a method's worker side is built from when a pack loads. */
export interface PackContext {
  manifest: Manifest;
  /** Sessions of the model roles created with the pack (all but those of `modelsOnFirstUse` methods). */
  sessions: Partial<Record<ModelRole, ModelSession>>;
  /** Any role's session; one of a `modelsOnFirstUse` method is created (and checked) on the first call. */
  session(role: ModelRole): Promise<ModelSession>;
  /** The pack's downloaded (and verified) files by path. */
  files: Map<string, Uint8Array>;
  /** Where the sessions run: batch sizes are budgeted per backend (../engine/budgets.ts). */
  backend: Backend;
}

/** One image as the shared analysis prepared it. */
export interface ImageInput {
  imageKey: string;
  pixels: ImagePixels;
  /** RGB at `size` ([height, width]), PIL-bicubic, alpha composited; memoised per size. */
  rgb(size: [number, number]): Uint8Array;
}

export interface PerImageResult {
  /** Sent to the UI thread as ImageAnalysis.methodData[id]. */
  data?: unknown;
  /** Kept in the worker with the image (e.g. GenPromp's latent) and handed back to `maps`. */
  state?: unknown;
}

export interface MethodWorker {
  /** Once per image, after the classifier; adds its stage times to `timings`. */
  analyze?(image: ImageInput, timings: StageTimings): Promise<PerImageResult>;
  /** Raw maps for a request; `imageState` is what `analyze` kept for the image. `superseded()` is polled before long runs. */
  maps?(req: MapsRequest, imageState: unknown, superseded: () => boolean): Promise<MapsResult>;
  /** Take over the caches of the same method's previous instance (same pack, new backend). */
  adoptCaches?(from: MethodWorker): void;
  /** The classes taught in this browser (indices after the pack's); throws InvalidInput for one it cannot use. */
  setLearnedClasses?(classes: readonly LearnedClass[]): void;
}

export type MethodWorkerFactory = (ctx: PackContext) => MethodWorker;
