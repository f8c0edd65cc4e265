/**
 * What a localisation method is, for every part of the app: the UI lists it and
 * its own controls, the store derives its map, the engine loads its models and
 * runs its per-image work, the manifest validator knows its model roles.
 *
 * Every method's map goes the same way (src/store/derive.ts):
 *   raw maps (cached per rawKey) → aggregate (per aggKey) → normalise + boxes (per τ, box mode)
 * Raw maps come either from the image's analysis on the UI thread (`source: 'local'`,
 * e.g. CAM from the classifier's features) or from the worker (`source: 'engine'`,
 * e.g. GenPromp's UNet attention).
 */
import type { ImageAnalysis, ImagePixels, LearnedClass, PackSummary } from '../api';
import type { Float32FileRef, Manifest, ModelRole } from '../manifest';

/** A map at the method's own resolution, before it is upsampled to the model frame. */
export interface NativeMap {
  map: Float32Array;
  /** [height, width] */
  size: [number, number];
}

/** What a UI-thread method computes its raw maps from. */
export interface MapInputs<Own> {
  pack: PackSummary;
  analysis: ImageAnalysis;
  /** The decoded image (sanity baselines read its pixels, e.g. Sobel edges). */
  image: ImagePixels;
  classIndex: number;
  /** The class when it was taught in this browser (its index is past the pack's classes); absent or null otherwise. */
  learned?: LearnedClass | null;
  own: Own;
}

/** A control of one of the method's own parameters, rendered by the method picker. */
export type OwnControl<Own> =
  | { kind: 'toggle'; key: keyof Own & string; label: string; testId: string }
  | {
      kind: 'choice';
      key: keyof Own & string;
      label: string;
      testId: string;
      choices: (m: Manifest) => Array<{ value: Own[keyof Own]; label: string }>;
    }
  /** A read-only fact about the method on this pack (e.g. which layer CAM reads). */
  | { kind: 'info'; testId: string; text: (m: Manifest) => string | null };

interface MethodCommon<Id extends string, Own, Raw> {
  id: Id;
  label: string;
  /**
   * 'sanity': a baseline that knows nothing of the object (centre Gaussian, random map,
   * Sobel edges), scored like the methods; the UI labels it so and lists it apart.
   */
  kind?: 'sanity';
  /** One line: what the map is. */
  blurb: string;
  /** Model roles this method runs in the worker, besides the shared classifier. */
  models: readonly ModelRole[];
  /** Why this pack cannot show the method (a sentence fragment shown to the user), or null. */
  unavailable(m: Manifest): string | null;
  /** Little-endian float32 files of the pack that the UI thread needs (in PackSummary.arrays). */
  packArrays(m: Manifest): Float32FileRef[];
  /** Own parameters for a freshly loaded pack; `prev` keeps the user's choices where they still apply. */
  defaults(m: Manifest, prev: Own | undefined): Own;
  controls: ReadonlyArray<OwnControl<Own>>;
  /** True when the map ignores the class (SAT): its raw maps are then shared across classes. */
  classAgnostic: boolean;
  /** The part of the own parameters that selects raw maps … */
  rawKey(own: Own): string;
  /** … and the part that only changes how they are aggregated. */
  aggKey(own: Own): string;
  /** Raw maps → one map at native resolution. Throws a named EngineError when a map is missing. */
  aggregate(raw: Raw, own: Own, m: Manifest): NativeMap;
  /** A remark shown under the method's map (it may read the raw maps, e.g. SAT's own top-1), or null. */
  note(inputs: MapInputs<Own>, raw: Raw): string | null;
  /**
   * The method's models are created on its first request, not with the pack, so a first view
   * that does not show it does not wait for them (SAT's ViT: ~0.1 s to create, ~0.05 s per image).
   */
  modelsOnFirstUse?: true;
}

export interface LocalMethod<Id extends string, Own, Raw> extends MethodCommon<Id, Own, Raw> {
  source: 'local';
  /** Raw maps from the image analysis and the pack's arrays: cheap, on the UI thread. */
  raw(inputs: MapInputs<Own>): Raw;
}

export interface EngineMethod<Id extends string, Own, Raw> extends MethodCommon<Id, Own, Raw> {
  source: 'engine';
  /**
   * The worker request (its `params`, validated by the worker) that completes what is
   * cached for these own parameters, or null when nothing is missing.
   */
  request(have: Raw | undefined, own: Own): unknown;
  /** Merge a worker answer into what was cached for the same rawKey (never mutates). */
  merge(have: Raw | undefined, got: Raw): Raw;
}

export type MethodDefinition<Id extends string, Own, Raw> = LocalMethod<Id, Own, Raw> | EngineMethod<Id, Own, Raw>;
