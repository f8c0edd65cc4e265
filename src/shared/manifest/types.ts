/**
 * Model-pack manifest: the types (validated by ./parse).
 *
 * A pack is a folder (or URL prefix) holding manifest.json and the files it lists.
 * Manifests are written by python/wsolkit/pack.py and are external input here:
 * `parseManifest` rejects anything malformed with a ManifestInvalid error naming
 * the offending field, so a user who points the app at a broken pack learns what
 * to fix.
 *
 * The same format serves the embedded miniature pack (tiny widths, one file per
 * model) and a full Stable Diffusion 1.x pack (77-token CLIP, 768-d, 64×64 latent,
 * UNet weights split into external-data files because one protobuf caps at 2 GB).
 */
export const MANIFEST_SCHEMA_VERSION = 1;

/**
 * One file must fit one ArrayBuffer/Response (browsers cap one buffer near 2 GB).
 * An SD 1.x fp32 UNet (3.4 GB) therefore ships as a small graph plus several
 * external-data shards, each under this size.
 */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

export type DType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool';
/** A dimension: a fixed size or a named free dimension such as "batch". */
export type Dim = number | string;

export interface TensorSpec {
  name: string;
  dtype: DType;
  dims: Dim[];
}

/** A file of the pack with its integrity data. `path` is relative to the manifest. */
export interface FileRef {
  path: string;
  bytes: number;
  sha256: string;
}

export type VariantPrecision = 'fp32' | 'fp16' | 'int8' | 'q4f16';

/** One exported form of a model. The app picks one per model from the device probe. */
export interface ModelVariant extends FileRef {
  precision: VariantPrecision;
  /** WebGPU features required, e.g. ['shader-f16']. */
  requires: string[];
  /** Backends this variant is meant for (fp32 runs everywhere). */
  backends: Array<'webgpu' | 'wasm'>;
  /** Weight files referenced by the graph's initializers (`location` = path). */
  externalData: FileRef[];
}

/** The diffusion models GenPromp runs; a classifier-only pack has none of them. */
export type DiffusionRole = 'vae_encoder' | 'text_encoder' | 'unet';
/** The four models of a Stable Diffusion pack (the classifier is in every pack). */
export type CoreRole = DiffusionRole | 'classifier';
/** `sat` is optional: a pack without it shows the other methods only. */
export type ModelRole = CoreRole | 'sat';

export interface ModelEntry {
  role: ModelRole;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  variants: ModelVariant[];
}

/** One UNet output carrying a cross-attention map (head-averaged, token-weighted). */
export interface AttentionOutput {
  /** ONNX output name, e.g. "attn_mid_0". */
  output: string;
  /** Side of the square map, e.g. 8 → the output holds 64 values per batch item. */
  resolution: number;
  block: 'down' | 'mid' | 'up';
  blockIndex: number;
  layer: number;
  heads: number;
}

export interface ClassEntry {
  index: number;
  /** Stable identifier, e.g. "dog". */
  name: string;
  displayName: string;
  /** The discriminative word put in the templates (GenPromp's meta token); absent in classifier-only packs. */
  metaToken?: string;
  /** The learned concept token's string in the tokenizer, e.g. "<toy-0>"; absent in classifier-only packs. */
  conceptToken?: string;
  /** A class taught in this browser, listed after the pack's (never in a manifest). */
  learned?: true;
}

/** A model's image input: RGB resized to `size` ([height, width]), then (x/255 − mean) / std per channel. */
export interface NormalizedInput {
  size: [number, number];
  mean: [number, number, number];
  std: [number, number, number];
}

export interface Manifest {
  schemaVersion: 1;
  id: string;
  label: string;
  /** What the models were trained on, in a sentence or two. */
  description: string;
  license: { spdx: string; attribution: FileRef | null; notes: string };
  producer: { script: string; gitCommit: string; torch: string; onnx: string; opset: number; createdAt: string };
  preprocess: {
    /** [height, width] the image is resized to (GenPromp: directly, aspect not kept). */
    size: [number, number];
    resize: 'pil-bicubic';
    /** uint8 → x/127.5 − 1 for GenPromp's VAE. */
    range: [number, number];
    /** Transparent pixels are composited onto this RGB colour first. */
    alphaBackground: [number, number, number];
  };
  classifierPreprocess: NormalizedInput;
  /**
   * SAT's input: the pack's `satPreprocess` where SAT was trained on another normalisation than the
   * classifier (a toy pack with the ImageNet-pretrained classifier), else the classifier's; null without SAT.
   */
  satPreprocess: NormalizedInput | null;
  tokenizer?: {
    file: FileRef;
    contextLength: number;
    bosId: number;
    eosId: number;
    padId: number;
  };
  classes: ClassEntry[];
  /** Learned input-embedding rows of the concept tokens, [classes, embedDim] little-endian float32. */
  representativeEmbeddings?: FileRef & { dtype: 'float32'; shape: [number, number] };
  promptTemplates?: string[];
  vae?: { scalingFactor: number; latentChannels: number; latentSize: [number, number] };
  scheduler?: {
    type: 'ddpm';
    betaSchedule: 'scaled_linear' | 'linear';
    betaStart: number;
    betaEnd: number;
    numTrainTimesteps: number;
  };
  textEncoder?: { hiddenSize: number; embedDim: number };
  unetAttention?: AttentionOutput[];
  genpromp?: {
    lambda: number;
    timesteps: number[];
    /** Timesteps the UI offers. */
    timestepChoices: number[];
    resolutions: number[];
    /** Index of the class word in the tokenised template (BOS at 0). */
    tokenPosition: number;
    threshold: number;
    latentSampling: 'sample' | 'mean';
    noiseSeed: number;
  };
  /** The classifier always; the diffusion roles together with the diffusion sections; `sat` when SAT is exported. */
  models: { classifier: ModelEntry } & Partial<Record<DiffusionRole | 'sat', ModelEntry>>;
  /** The threshold τ a freshly loaded pack starts with (GenPromp's own when the pack has no other). */
  defaultThreshold: number;
  /** The baselines' data; absent in packs made before them (the app then shows GenPromp only). */
  baselines: BaselinesSpec | null;
  /** What teaching a new class needs (textual inversion in the browser); null where the pack does not offer it. */
  teach: TeachSpec | null;
}

/**
 * Textual inversion in the browser: the UNet it trains through, with its ε output (fp32 ONNX,
 * downloaded on the first teach, not with the pack), and stage 1's settings. The text encoder is
 * the pack's own fp32 variant.
 */
export interface TeachSpec {
  unet: FileRef & { inputs: TensorSpec[]; outputs: TensorSpec[] };
  inversion: { steps: number; batch: number; lr: number; weightDecay: number; flip: boolean };
  /** Words the app suggests to start a new class from (superclass words first); may be empty. */
  startWords: string[];
  /** The classifier half (a new row of CAM's head); null where the pack teaches GenPromp only. */
  headRow: HeadRowSpec | null;
}

/**
 * Teaching the classifier: a new row of the frozen head (CAM's head, `baselines.cam.head`) trained
 * on the pooled features of the dropped images and `augmentCopies` augmented copies of each,
 * against a bank of the known classes' pooled features, with AdamW.
 */
export interface HeadRowSpec {
  /** Pooled classifier features of known classes' images [N, K] (fetched on the first teach). */
  negatives: Float32FileRef;
  /** Their classes [N]. */
  negativeLabels: number[];
  /** The frozen head's bias [classes] (CAM needs only its weights, so the pack's head file lacks it). */
  bias: number[];
  steps: number;
  lr: number;
  weightDecay: number;
  augmentCopies: number;
}

/**
 * The manifest sections only GenPromp reads. A pack has all of them (a Stable
 * Diffusion pack) or none (a classifier-only pack); the validator rejects a mix.
 */
export const DIFFUSION_SECTIONS = [
  'tokenizer',
  'representativeEmbeddings',
  'promptTemplates',
  'vae',
  'scheduler',
  'textEncoder',
  'unetAttention',
  'genpromp',
] as const;
export type DiffusionSection = (typeof DIFFUSION_SECTIONS)[number];

/** A manifest with every diffusion section and model (what GenPromp's code reads). */
export type DiffusionManifest = Omit<Manifest, DiffusionSection | 'models' | 'classes'> & {
  [K in DiffusionSection]-?: NonNullable<Manifest[K]>;
} & {
  models: Manifest['models'] & Record<DiffusionRole, ModelEntry>;
  classes: Array<Required<ClassEntry>>;
};

/** The manifest as a diffusion pack, or null for a classifier-only pack (the validator guarantees all-or-none). */
export function diffusionOf(m: Manifest): DiffusionManifest | null {
  return m.genpromp !== undefined ? (m as DiffusionManifest) : null;
}

/**
 * [height, width] of the frame maps and boxes are drawn in: GenPromp's diffusion input
 * in a diffusion pack (every method shares it), the classifier input otherwise.
 */
export function analysisFrame(m: Manifest): [number, number] {
  return diffusionOf(m) ? m.preprocess.size : m.classifierPreprocess.size;
}

/** A little-endian float32 array file. */
export interface Float32FileRef extends FileRef {
  dtype: 'float32';
  shape: number[];
}

/** [start, count] rows of LPCAM's prototype array. */
export type RowRange = [number, number];

export interface BaselinesSpec {
  /** CAM from the classifier: `featureOutput` [1, K, h, w] and the head's weights [classes, K]. */
  cam: { featureOutput: string; head: Float32FileRef };
  /** LPCAM: prototypes [N, K] and, per class, its class and context rows. */
  lpcam: {
    prototypes: Float32FileRef;
    ranges: Array<{ class: RowRange; context: RowRange }>;
    settings: {
      k: number;
      fgThreshold: number;
      classThreshold: number;
      contextLow: number;
      imagesPerClass: number;
      scales: number[];
      flip: boolean;
    };
  } | null;
  /** SAT: `mapOutput` [1, blocks.length, grid, grid] holds the spatial token's mask of each SQA block. */
  sat: { mapOutput: string; blocks: number[]; grid: number } | null;
}

export interface PackIndexEntry {
  id: string;
  label: string;
  /** Folder or URL of the pack, relative to index.json. */
  path: string;
  default?: boolean;
}
