/**
 * Checks made before a pack's first byte is downloaded: does it fit the wasm heap,
 * and does the browser's storage have room for what is not cached yet.
 */
import type { Backend } from '@shared/api';
import { EngineError } from '@shared/errors';
import type { FileRef, ModelEntry, ModelRole, ModelVariant, VariantPrecision } from '@shared/manifest';
import { formatBytes } from '@shared/formatBytes';
import { chooseVariant } from './variants';

/**
 * Model bytes one wasm ORT instance may hold. wasm32 addresses 4 GiB, and every
 * session of the pack lives in that one heap. Session creation briefly holds the
 * model bytes twice (the copy passed in and the initialised weights), and the
 * UNet's activations at 64×64 latents with attention outputs need several hundred
 * MB, so 1 GiB stays free for them: an SD 1.x fp32 pack (≈ 4.1 GB) does not fit,
 * its int8 variants (≈ 1.1 GB) do.
 */
export const WASM_MODEL_BUDGET_BYTES = 3 * 1024 ** 3;

/** Bytes of a variant's graph plus its external-data shards (what ORT loads into its heap). */
export function variantBytes(v: ModelVariant): number {
  return v.bytes + v.externalData.reduce((s, e) => s + e.bytes, 0);
}

const WASM_PRECISIONS: VariantPrecision[] = ['int8', 'q4f16', 'fp16', 'fp32'];

/**
 * Fail with MemoryBudgetExceeded when the variants chosen for wasm would not fit one
 * heap, naming the smallest precision that would (forced with `?precision=`).
 */
export function checkWasmMemoryBudget(
  models: Partial<Record<ModelRole, ModelEntry>>,
  chosen: Partial<Record<ModelRole, ModelVariant>>,
  backend: Backend,
  budget = WASM_MODEL_BUDGET_BYTES,
): void {
  if (backend !== 'wasm') return;
  const roles = Object.keys(chosen) as ModelRole[];
  const total = roles.reduce((s, r) => s + variantBytes(chosen[r]!), 0);
  if (total <= budget) return;
  const precisions = [...new Set(roles.map((r) => chosen[r]!.precision))].join('/');
  const alternatives = WASM_PRECISIONS.map((precision) => ({
    precision,
    bytes: roles.reduce((s, r) => s + variantBytes(chooseVariant(models[r]!, 'wasm', new Set(), precision)), 0),
    // chooseVariant falls back to fp32 where a precision is missing: only name precisions the pack has.
    exists: roles.some((r) => models[r]!.variants.some((v) => v.precision === precision && v.backends.includes('wasm'))),
  }))
    .filter((a) => a.exists && a.bytes <= budget)
    .sort((a, b) => a.bytes - b.bytes);
  const fit = alternatives[0];
  throw new EngineError(
    'MemoryBudgetExceeded',
    `The ${precisions} models of this pack need ${formatBytes(total)}, more than the ${formatBytes(budget)} one WebAssembly heap ` +
      'can hold for models (wasm32 addresses 4 GiB, shared by all models, and activations need the rest). ' +
      (fit
        ? `Use the ${fit.precision} variant: ${formatBytes(fit.bytes)} (open the page with ?precision=${fit.precision}).`
        : 'No variant of this pack fits; use a browser with WebGPU.'),
  );
}

/** The parts of `navigator.storage` the loader reads (workers have estimate(), not persist()). */
export interface StorageEstimator {
  estimate(): Promise<{ quota?: number; usage?: number }>;
}

/** Fail with StorageQuotaExceeded before downloading when the files still missing from the cache would not fit. */
export async function checkStorageQuota(storage: StorageEstimator | null, bytesToFetch: number): Promise<void> {
  if (!storage || bytesToFetch === 0) return;
  let estimate: { quota?: number; usage?: number };
  try {
    estimate = await storage.estimate();
  } catch {
    return; // no estimate (e.g. storage disabled): the cache.put mapping still names the error
  }
  if (estimate.quota === undefined) return;
  const free = Math.max(0, estimate.quota - (estimate.usage ?? 0));
  if (free < bytesToFetch) throw storageQuotaError(bytesToFetch, free);
}

export function storageQuotaError(needed: number, free: number | null, cause?: unknown): EngineError {
  return new EngineError(
    'StorageQuotaExceeded',
    `This pack needs ${formatBytes(needed)} of browser storage` +
      (free === null ? ', and the browser refused to store more. ' : ` but only ${formatBytes(free)} is free. `) +
      'Clear cached models or other site data, or load the pack from a local folder (not cached).',
    { cause },
  );
}

/** Total bytes of `files`, each path once. */
export function totalBytes(files: FileRef[]): number {
  return [...new Map(files.map((f) => [f.path, f.bytes])).values()].reduce((s, b) => s + b, 0);
}

/**
 * Bytes of UNet activations one batched run may hold beyond its weights, per backend. On wasm the
 * weights of an SD int8 pack take about 1.1 GiB of the 4 GiB heap and an untruncated SD UNet at
 * batch 2 already ran out of it (bad_alloc), so a batch gets 512 MiB there; WebGPU buffers live
 * outside that heap.
 */
export const UNET_ACTIVATION_BUDGET_BYTES: Record<Backend, number> = { wasm: 512 * 1024 ** 2, webgpu: 1024 ** 3 };

/**
 * How many latents one UNet run may take (timesteps × λ values are chunked to it). One batch
 * item's largest activation is a self-attention score matrix at the latent size: heads × (h·w)²
 * float32 — 512 MiB for SD 1.x at 64×64 with 8 heads (batch 1 on wasm), 16 MiB for the toy pack
 * at 32×32 with 4 heads (its 22-latent λ strip runs as one batch).
 */
export function unetBatchLimit(latentSize: [number, number], heads: number, backend: Backend): number {
  const tokens = latentSize[0] * latentSize[1];
  const perItem = Math.max(1, heads) * tokens * tokens * 4;
  return Math.max(1, Math.floor(UNET_ACTIVATION_BUDGET_BYTES[backend] / perItem));
}
