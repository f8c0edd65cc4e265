/** The checks before a download: the wasm heap budget (synthetic manifests) and the storage quota. */
import { describe, expect, it } from 'vitest';
import type { ModelEntry, ModelRole, ModelVariant, VariantPrecision } from '@shared/manifest';
import { checkStorageQuota, checkWasmMemoryBudget, unetBatchLimit, WASM_MODEL_BUDGET_BYTES } from './budgets';
import { chooseVariant } from './variants';

const GB = 1e9;
const sha = 'a'.repeat(64);

/** A variant of `graphBytes` whose weights are split in shards of at most 1.9 GB, as the exporter does. */
function variant(
  path: string,
  precision: VariantPrecision,
  weightBytes: number,
  backends: Array<'wasm' | 'webgpu'> = ['wasm', 'webgpu'],
): ModelVariant {
  const shards: ModelVariant['externalData'] = [];
  for (let left = weightBytes, i = 0; left > 0; left -= 1.9 * GB, i++) {
    shards.push({ path: `${path}.data${i}`, bytes: Math.min(left, 1.9 * GB), sha256: sha });
  }
  return { path, bytes: 1_000_000, sha256: sha, precision, requires: [], backends, externalData: shards };
}

function entry(role: ModelRole, variants: ModelVariant[]): ModelEntry {
  return { role, inputs: [], outputs: [], variants };
}

/** An SD 1.x-sized pack: fp32 ≈ 4.1 GB in all, int8 ≈ 1.1 GB. */
const sdModels: Partial<Record<ModelRole, ModelEntry>> = {
  unet: entry('unet', [variant('unet.onnx', 'fp32', 3.44 * GB), variant('unet.int8.onnx', 'int8', 0.86 * GB)]),
  text_encoder: entry('text_encoder', [variant('te.onnx', 'fp32', 0.49 * GB), variant('te.int8.onnx', 'int8', 0.12 * GB)]),
  vae_encoder: entry('vae_encoder', [variant('vae.onnx', 'fp32', 0.14 * GB), variant('vae.int8.onnx', 'int8', 0.04 * GB)]),
  classifier: entry('classifier', [variant('cls.onnx', 'fp32', 0.1 * GB), variant('cls.int8.onnx', 'int8', 0.03 * GB)]),
};

function chosen(models: Partial<Record<ModelRole, ModelEntry>>, precision: VariantPrecision) {
  return Object.fromEntries(Object.entries(models).map(([r, e]) => [r, chooseVariant(e!, 'wasm', new Set(), precision)]));
}

describe('wasm memory budget', () => {
  it('stays under 4 GiB with room for activations', () => {
    expect(WASM_MODEL_BUDGET_BYTES).toBeLessThan(4 * 1024 ** 3);
  });

  it('refuses fp32 SD weights on wasm and names the int8 variant that fits, with its size', () => {
    expect(() => checkWasmMemoryBudget(sdModels, chosen(sdModels, 'fp32'), 'wasm')).toThrow(
      expect.objectContaining({
        name: 'MemoryBudgetExceeded',
        message: expect.stringMatching(/fp32 models of this pack need 3\.89 GiB.*Use the int8 variant: 1005\.2 MiB.*precision=int8/),
      }),
    );
  });

  it('lets the int8 variants through on wasm, and anything on WebGPU', () => {
    expect(() => checkWasmMemoryBudget(sdModels, chosen(sdModels, 'int8'), 'wasm')).not.toThrow();
    expect(() => checkWasmMemoryBudget(sdModels, chosen(sdModels, 'fp32'), 'webgpu')).not.toThrow();
  });

  it('says so when no variant fits', () => {
    const fp32Only = { unet: entry('unet', [variant('unet.onnx', 'fp32', 3.44 * GB)]) };
    expect(() => checkWasmMemoryBudget(fp32Only, chosen(fp32Only, 'fp32'), 'wasm')).toThrow(
      expect.objectContaining({ name: 'MemoryBudgetExceeded', message: expect.stringMatching(/No variant of this pack fits/) }),
    );
  });

  it('does not name a precision the pack only has for WebGPU', () => {
    const models = {
      unet: entry('unet', [variant('unet.onnx', 'fp32', 3.44 * GB), variant('unet.fp16.onnx', 'fp16', 1.7 * GB, ['webgpu'])]),
    };
    expect(() => checkWasmMemoryBudget(models, chosen(models, 'fp32'), 'wasm')).toThrow(
      expect.objectContaining({ message: expect.not.stringMatching(/fp16 variant/) }),
    );
  });
});

describe('storage quota', () => {
  const storage = (quota: number, usage: number) => ({ estimate: async () => ({ quota, usage }) });

  it('fails before downloading when the free space is smaller than what is missing, saying both', async () => {
    await expect(checkStorageQuota(storage(3 * 1024 ** 3, 2.5 * 1024 ** 3), 1024 ** 3)).rejects.toMatchObject({
      name: 'StorageQuotaExceeded',
      message: expect.stringMatching(/needs 1\.00 GiB.*only 512\.0 MiB is free/),
    });
  });

  it('passes when there is room, when nothing is missing, and without an estimate', async () => {
    await expect(checkStorageQuota(storage(3 * 1024 ** 3, 1024 ** 3), 1024 ** 3)).resolves.toBeUndefined();
    await expect(checkStorageQuota(storage(0, 0), 0)).resolves.toBeUndefined();
    await expect(checkStorageQuota(null, 1024 ** 3)).resolves.toBeUndefined();
  });
});

describe('UNet batch limit (λ strip and timestep rows are chunked to it)', () => {
  it('SD 1.x at 64×64 with 8 heads: one latent per call on wasm, two on WebGPU', () => {
    expect(unetBatchLimit([64, 64], 8, 'wasm')).toBe(1);
    expect(unetBatchLimit([64, 64], 8, 'webgpu')).toBe(2);
  });

  it('the toy pack at 32×32 with 4 heads runs its whole 22-latent strip in one call', () => {
    expect(unetBatchLimit([32, 32], 4, 'wasm')).toBe(32);
  });

  it('never below one latent, whatever the size', () => {
    expect(unetBatchLimit([128, 128], 16, 'wasm')).toBe(1);
  });
});
