import { describe, expect, it } from 'vitest';
import type { ModelEntry, ModelVariant, VariantPrecision } from '@shared/manifest';
import { chooseVariant } from './variants';

const v = (precision: VariantPrecision, backends: Array<'webgpu' | 'wasm'>, requires: string[] = []): ModelVariant => ({
  path: `unet.${precision}.onnx`,
  bytes: 1,
  sha256: '0'.repeat(64),
  precision,
  backends,
  requires,
  externalData: [],
});
const entry = (...variants: ModelVariant[]): ModelEntry => ({ role: 'unet', inputs: [], outputs: [], variants });
const all = entry(
  v('fp32', ['webgpu', 'wasm']),
  v('fp16', ['webgpu'], ['shader-f16']),
  v('q4f16', ['webgpu'], ['shader-f16']),
  v('int8', ['wasm']),
);

describe('chooseVariant', () => {
  it('prefers q4f16, then fp16 on WebGPU with shader-f16', () => {
    expect(chooseVariant(all, 'webgpu', new Set(['shader-f16'])).precision).toBe('q4f16');
    expect(
      chooseVariant(entry(v('fp32', ['webgpu', 'wasm']), v('fp16', ['webgpu'], ['shader-f16'])), 'webgpu', new Set(['shader-f16']))
        .precision,
    ).toBe('fp16');
  });
  it('uses fp32 on WebGPU without shader-f16 (never an f16 model it cannot run)', () => {
    expect(chooseVariant(all, 'webgpu', new Set()).precision).toBe('fp32');
  });
  it('prefers int8 on wasm, else fp32', () => {
    expect(chooseVariant(all, 'wasm', new Set()).precision).toBe('int8');
    expect(
      chooseVariant(entry(v('fp32', ['webgpu', 'wasm']), v('fp16', ['webgpu'], ['shader-f16'])), 'wasm', new Set(['shader-f16'])).precision,
    ).toBe('fp32');
  });
  it('honours a forced precision and falls back to fp32 when it is absent', () => {
    expect(chooseVariant(all, 'wasm', new Set(), 'fp32').precision).toBe('fp32');
    expect(chooseVariant(entry(v('fp32', ['webgpu', 'wasm'])), 'webgpu', new Set(['shader-f16']), 'q4f16').precision).toBe('fp32');
  });
});
