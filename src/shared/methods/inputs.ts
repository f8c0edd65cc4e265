/** Helpers for UI-thread methods: reach the image's features and the pack's arrays, or say why not. */
import type { ImageAnalysis, PackSummary } from '../api';
import { EngineError } from '../errors';
import type { Float32FileRef } from '../manifest';
import type { FeatureMap } from '../tensor';

/** The classifier's last feature map of the analysed image. */
export function requireFeatures(analysis: ImageAnalysis, method: string): FeatureMap {
  if (!analysis.features) {
    throw new EngineError('ModelIOMismatch', `${method} needs the classifier's feature map, but the engine returned none for this image`);
  }
  return analysis.features;
}

/** A float32 file of the pack, loaded by the engine because a method listed it in `packArrays`. */
export function requireArray(pack: PackSummary, ref: Float32FileRef, method: string): Float32Array {
  const a = pack.arrays[ref.path];
  if (!a) throw new EngineError('ModelIOMismatch', `${method} needs ${ref.path} from the pack, but the engine did not load it`);
  return a;
}

/** "features, 256×16×16" for an output spec's name and dims without the batch axis. */
export function describeTensor(name: string, dims: ReadonlyArray<number | string>): string {
  return `${name}, ${dims.slice(1).join('×')}`;
}
