/**
 * Pick one variant per model from the device probe :
 * fp16/q4f16 on WebGPU with shader-f16, fp32 on other WebGPU (no f16 → fp32 is
 * mandatory), int8 or fp32 on wasm (int8 QDQ only adds copies on WebGPU).
 */
import type { Backend } from '@shared/api';
import type { ModelEntry, ModelVariant, VariantPrecision } from '@shared/manifest';

export function variantPreference(backend: Backend, shaderF16: boolean): VariantPrecision[] {
  if (backend === 'webgpu') return shaderF16 ? ['q4f16', 'fp16', 'fp32'] : ['fp32'];
  return ['int8', 'fp32'];
}

export function chooseVariant(entry: ModelEntry, backend: Backend, features: ReadonlySet<string>, force?: VariantPrecision): ModelVariant {
  const order = force ? [force] : variantPreference(backend, features.has('shader-f16'));
  for (const precision of order) {
    const v = entry.variants.find(
      (x) => x.precision === precision && x.backends.includes(backend) && x.requires.every((r) => features.has(r)),
    );
    if (v) return v;
  }
  // The manifest validator guarantees an fp32 variant exists.
  return entry.variants.find((x) => x.precision === 'fp32')!;
}
