/**
 * The inference seam. Pipelines and the engine depend on this interface only;
 * `ortBackend.ts` is the one module that imports onnxruntime-web.
 */
import type { Backend } from '@shared/api';

export type TensorDType = 'float32' | 'int32';

export interface TensorData {
  dtype: TensorDType;
  dims: number[];
  data: Float32Array | Int32Array;
}

export interface SessionOptions {
  /** For messages: "unet (fp32)". */
  label: string;
  /** Weight files referenced by the graph, `path` = the initializer's `location`. */
  externalData?: Array<{ path: string; data: Uint8Array }>;
}

export interface ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorData>, outputs?: string[]): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

export interface InferenceBackend {
  readonly kind: Backend;
  createSession(model: Uint8Array, options: SessionOptions): Promise<ModelSession>;
}
