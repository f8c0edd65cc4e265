/**
 * GenPromp inference (Zhao et al., ICCV 2023), matching the Python reference
 * python/wsolkit/genpromp.py to 1e-4 in fp32: VAE latent (sampled, seeded), one
 * seeded noise added at each timestep, a UNet conditioned on
 * f = λ·f_r + (1 − λ)·f_d, and its head-averaged cross-attention to the class token.
 *
 * Caches, so that sliders cost only what they must:
 * - per image: the VAE latent z (kept with the image by the shared analysis);
 * - per class: f_d and f_r (text encoder runs once per class, never on λ);
 * - per (image, class, λ, t): the raw attention maps (UNet runs once per t; the λ strip's
 *   11 λ values run batched with the timesteps).
 * Threshold, resolutions and cached timesteps are re-aggregated on the UI side.
 */
import type { Backend, LearnedClass, MapsRequest, MapsResult, StageTimings } from '@shared/api';
import { EngineError, abortError } from '@shared/errors';
import type { AttentionMaps } from '@shared/genpromp/aggregate';
import { type GenprompMapsParams, NEEDS_DIFFUSION_PACK } from '@shared/genpromp/method';
import { diffusionSeed, gaussian, posteriorSeed } from '@shared/genpromp/noise';
import { checkTokenPosition, encodePrompt, mixEmbeddings, singleTokenId } from '@shared/genpromp/prompts';
import type { WordTokenizer } from '@shared/genpromp/prompts';
import { addNoise, alphasCumprod } from '@shared/genpromp/scheduler';
import { toRangeNCHW } from '@shared/image/preprocess';
import { type DiffusionManifest, diffusionOf } from '@shared/manifest';
import { unetBatchLimit } from '../../engine/budgets';
import type { ModelSession } from '../../runtime/backend';
import { LruCache } from '@shared/lru';
import type { ImageInput, MethodWorker, PackContext, PerImageResult } from '../types';
import { loadTokenizer } from './tokenizer';

export interface GenprompModels {
  vae: ModelSession;
  textEncoder: ModelSession;
  unet: ModelSession;
  tokenizer: WordTokenizer;
  /** [classes, embedDim] learned concept rows. */
  conceptRows: Float32Array;
}

/** GenPromp's per-image state in the worker: the scaled latent [1, C, h, w]. */
interface ImageLatent {
  z: Float32Array;
}

const now = () => performance.now();

/** Build GenPromp's worker side from a loaded pack: its three models, tokenizer and concept rows. */
export function createGenpromp(ctx: PackContext): GenprompPipeline {
  const m = diffusionOf(ctx.manifest);
  if (!m) throw new EngineError('ManifestInvalid', `GenPromp cannot run on pack ${ctx.manifest.id}: ${NEEDS_DIFFUSION_PACK}`);
  const { vae_encoder: vae, text_encoder: textEncoder, unet } = ctx.sessions;
  if (!vae || !textEncoder || !unet)
    throw new EngineError('ManifestInvalid', 'GenPromp needs the vae_encoder, text_encoder and unet models');
  const tokenizer = loadTokenizer(parseJsonFile(ctx.files, m.tokenizer.file.path), m.tokenizer.file.path);
  checkTokenPosition(tokenizer, m);
  const rows = ctx.files.get(m.representativeEmbeddings.path)!;
  const conceptRows = new Float32Array(rows.slice().buffer);
  return new GenprompPipeline(m, { vae, textEncoder, unet, tokenizer, conceptRows }, ctx.backend);
}

function parseJsonFile(files: Map<string, Uint8Array>, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(files.get(path)!));
  } catch {
    throw new EngineError('ManifestInvalid', `${path} in the pack is not valid JSON; re-export the pack`);
  }
}

export class GenprompPipeline implements MethodWorker {
  private readonly acp: Float64Array;
  private readonly text = new LruCache<number, { fd: Float32Array; fr: Float32Array }>(64);
  /** Classes taught in this browser, by index (after the pack's). */
  private learned = new Map<number, LearnedClass & { wordId: number }>();
  private readonly attention = new LruCache<string, Record<string, Float32Array>>(512);
  private readonly diffusionNoise: Float32Array;
  /** Latents per UNet call that fit the backend's activation budget. */
  readonly maxBatch: number;

  constructor(
    readonly manifest: DiffusionManifest,
    private readonly models: GenprompModels,
    backend: Backend = 'wasm',
  ) {
    this.maxBatch = unetBatchLimit(manifest.vae.latentSize, Math.max(...manifest.unetAttention.map((a) => a.heads)), backend);
    this.acp = alphasCumprod(manifest.scheduler);
    const [h, w] = manifest.vae.latentSize;
    this.diffusionNoise = gaussian(diffusionSeed(manifest.genpromp.noiseSeed), manifest.vae.latentChannels * h * w);
  }

  /** Take over another pipeline's caches (same pack, e.g. after a backend switch). */
  adoptCaches(from: MethodWorker): void {
    if (!(from instanceof GenprompPipeline) || from.manifest.id !== this.manifest.id) return;
    this.text.copyFrom(from.text);
    this.attention.copyFrom(from.attention);
  }

  /** Per image: VAE-encode the image at the diffusion input size; the latent stays in the worker. */
  async analyze(image: ImageInput, timings: StageTimings): Promise<PerImageResult> {
    const m = this.manifest;
    const [S0, S1] = m.preprocess.size;
    let t = now();
    const x = toRangeNCHW(image.rgb(m.preprocess.size), S0, S1, m.preprocess.range);
    timings.preprocess = (timings.preprocess ?? 0) + (now() - t);
    t = now();
    const state: ImageLatent = { z: await this.encodeLatent(x) };
    timings.vae = now() - t;
    return { state };
  }

  private async encodeLatent(x: Float32Array): Promise<Float32Array> {
    const m = this.manifest;
    const [S0, S1] = m.preprocess.size;
    const out = await this.models.vae.run({ image: { dtype: 'float32', dims: [1, 3, S0, S1], data: x } });
    const mean = out.latent_mean!.data as Float32Array;
    const logvar = out.latent_logvar!.data as Float32Array;
    const scale = Math.fround(m.vae.scalingFactor);
    const z = new Float32Array(mean.length);
    if (m.genpromp.latentSampling === 'mean') {
      for (let i = 0; i < z.length; i++) z[i] = Math.fround(mean[i]! * scale);
      return z;
    }
    // Posterior sample mean + σ·ε with seeded ε (the reference samples too).
    const eps = gaussian(posteriorSeed(m.genpromp.noiseSeed), mean.length);
    for (let i = 0; i < z.length; i++) {
      const sigma = Math.fround(Math.exp(Math.fround(0.5 * logvar[i]!)));
      z[i] = Math.fround(Math.fround(mean[i]! + Math.fround(sigma * eps[i]!)) * scale);
    }
    return z;
  }

  /**
   * What a class is conditioned on: its word (f_d), and the slot its concept row fills (f_r): a
   * pack class's concept token, or a learned class's starting word (as its inversion trained it).
   */
  private conditioning(classIndex: number): { word: string; slotText: string; slotId: number; row: Float32Array } {
    const m = this.manifest;
    const E = m.textEncoder.embedDim;
    const learned = this.learned.get(classIndex);
    if (learned) return { word: learned.word, slotText: learned.word, slotId: learned.wordId, row: learned.conceptRow };
    const c = m.classes[classIndex];
    if (!c)
      throw new EngineError('InvalidInput', `Class ${classIndex} does not exist in pack ${m.id} (it has ${m.classes.length} classes)`);
    const conceptId = this.models.tokenizer.tokenToId(c.conceptToken);
    if (conceptId === undefined) {
      throw new EngineError('ManifestInvalid', `The tokenizer has no token "${c.conceptToken}" for class ${c.name}; re-export the pack`);
    }
    return {
      word: c.metaToken,
      slotText: c.conceptToken,
      slotId: conceptId,
      row: this.models.conceptRows.subarray(classIndex * E, (classIndex + 1) * E),
    };
  }

  setLearnedClasses(classes: readonly LearnedClass[]): void {
    const m = this.manifest;
    const next = new Map<number, LearnedClass & { wordId: number }>();
    classes.forEach((c, i) => {
      const at = m.classes.length + i;
      if (c.index !== at)
        throw new EngineError('InvalidInput', `Learned class "${c.name}" has index ${c.index}; the next free index is ${at}`);
      if (c.conceptRow.length !== m.textEncoder.embedDim) {
        throw new EngineError(
          'InvalidInput',
          `Learned class "${c.name}" has a ${c.conceptRow.length}-value row; this pack's embeddings have ${m.textEncoder.embedDim}`,
        );
      }
      const wordId = singleTokenId(this.models.tokenizer, c.word);
      if (wordId === null) {
        throw new EngineError(
          'InvalidInput',
          `Learned class "${c.name}": its starting word "${c.word}" is not one token of this pack's vocabulary`,
        );
      }
      next.set(at, { ...c, wordId });
    });
    // A learned class's maps depend on its row: drop what was computed for any learned index.
    for (const index of new Set([...this.learned.keys(), ...next.keys()])) this.text.delete(index);
    if (this.learned.size > 0 || next.size > 0) this.attention.clear();
    this.learned = next;
  }

  /** f_d and f_r for a class: text-encoder outputs averaged over the templates. */
  async textEmbeddings(classIndex: number): Promise<{ fd: Float32Array; fr: Float32Array; ms: number }> {
    const hit = this.text.get(classIndex);
    if (hit) return { ...hit, ms: 0 };
    const t0 = now();
    const m = this.manifest;
    const c = this.conditioning(classIndex);
    const L = m.tokenizer.contextLength;
    const D = m.textEncoder.hiddenSize;
    const E = m.textEncoder.embedDim;
    const T = m.promptTemplates.length;
    const idsD = new Int32Array(T * L);
    const idsR = new Int32Array(T * L);
    const overrideMask = new Float32Array(T * L);
    const overrideEmbeds = new Float32Array(T * L * E);
    m.promptTemplates.forEach((template, j) => {
      idsD.set(encodePrompt(this.models.tokenizer, m.tokenizer, template.replace('{}', c.word)), j * L);
      const r = encodePrompt(this.models.tokenizer, m.tokenizer, template.replace('{}', c.slotText));
      for (let k = 0; k < L; k++) {
        // The concept's slot takes its learned input embedding (the token itself has no table row).
        if (r[k] === c.slotId) {
          r[k] = m.tokenizer.padId;
          overrideMask[j * L + k] = 1;
          overrideEmbeds.set(c.row, (j * L + k) * E);
        }
      }
      idsR.set(r, j * L);
    });
    const zeros = new Float32Array(T * L * E);
    const run = async (ids: Int32Array, embeds: Float32Array, mask: Float32Array) => {
      const out = await this.models.textEncoder.run({
        input_ids: { dtype: 'int32', dims: [T, L], data: ids },
        override_embeds: { dtype: 'float32', dims: [T, L, E], data: embeds },
        override_mask: { dtype: 'float32', dims: [T, L], data: mask },
      });
      return meanOverBatch(out.last_hidden_state!.data as Float32Array, T, L * D);
    };
    const fd = await run(idsD, zeros, new Float32Array(T * L));
    const fr = await run(idsR, overrideEmbeds, overrideMask);
    this.text.set(classIndex, { fd, fr });
    return { fd, fr, ms: now() - t0 };
  }

  /**
   * Attention maps for every requested timestep, at the request's λ and at each of its extra
   * `lambdas` (the λ strip). (λ, t) pairs already computed come from cache; the rest run as
   * batched UNet calls of at most `maxBatch` latents (budgets.ts; at least one λ's timesteps):
   * the toy pack's whole strip, 11 λ × 2 timesteps, is one call. `superseded()` is polled before each UNet call so a newer
   * request can take over.
   */
  async maps(request: MapsRequest, imageState: unknown, superseded: () => boolean = () => false): Promise<MapsResult> {
    const t0 = now();
    const m = this.manifest;
    const image = imageState as ImageLatent | undefined;
    if (!image) throw new EngineError('InvalidInput', 'The image was analysed without a GenPromp latent; analyse it again');
    const req = { classIndex: request.classIndex, imageKey: request.imageKey, ...checkParams(request.params, m) };
    if (!m.classes[req.classIndex] && !this.learned.has(req.classIndex)) {
      throw new EngineError(
        'InvalidInput',
        `Class ${req.classIndex} does not exist in pack ${m.id} (it has ${m.classes.length} classes and ${this.learned.size} learned here)`,
      );
    }

    const timings: StageTimings = { unetPerTimestep: {} };
    const lambdas = [req.lambda, ...(req.lambdas ?? []).filter((l) => l !== req.lambda)];
    const maps = new Map<number, AttentionMaps>(lambdas.map((l) => [l, {}]));
    const key = (lambda: number, t: number) => `${req.imageKey}|${req.classIndex}|${lambda}|${t}`;
    const missing: Array<{ lambda: number; t: number }> = [];
    for (const lambda of lambdas) {
      for (const t of req.timesteps) {
        const hit = this.attention.get(key(lambda, t));
        if (hit) maps.get(lambda)![t] = hit;
        else missing.push({ lambda, t });
      }
    }
    if (missing.length > 0) {
      const text = await this.textEmbeddings(req.classIndex);
      timings.textEncoder = text.ms;
      const mixed = new Map(lambdas.map((l) => [l, mixEmbeddings(text.fd, text.fr, l)]));
      const unetStart = now();
      let runs = 0;
      let largest = 0;
      // With 2 wasm threads a batch of n costs far less than n batches of 1 (bench/run.mjs).
      // Never below one λ's timesteps: the main map has always run those as one batch (a batch of
      // 2 costs about a batch of 1 on 2 threads), and the budget is an estimate.
      const batch = Math.max(this.maxBatch, req.timesteps.length);
      for (let i = 0; i < missing.length; i += batch) {
        if (superseded()) throw abortError('GenPromp request');
        const chunk = missing.slice(i, i + batch);
        const out = await this.runUnet(image.z, chunk, mixed);
        for (const [b, { lambda, t }] of chunk.entries()) {
          const perLayer: Record<string, Float32Array> = {};
          for (const a of m.unetAttention) {
            const size = a.resolution * a.resolution;
            // [n, r·r] → row b; slice() copies so each cached map owns its buffer.
            perLayer[a.output] = (out[a.output]!.data as Float32Array).slice(b * size, (b + 1) * size);
          }
          this.attention.set(key(lambda, t), perLayer);
          maps.get(lambda)![t] = perLayer;
        }
        runs++;
        largest = Math.max(largest, chunk.length);
      }
      const perLatentMs = (now() - unetStart) / missing.length;
      for (const { lambda, t } of missing) if (lambda === req.lambda) timings.unetPerTimestep![t] = perLatentMs;
      timings.unetBatch = largest;
      timings.unetRuns = runs;
      timings.unet = now() - unetStart;
    }
    timings.total = now() - t0;
    const alsoComputed = lambdas.slice(1).map((lambda) => ({ own: { lambda }, raw: maps.get(lambda)! }));
    return { request, raw: maps.get(req.lambda)!, timings, ...(alsoComputed.length > 0 ? { alsoComputed } : {}) };
  }

  /** One UNet call for a batch of (λ, t) latents: the image's latent noised at t, conditioned on f(λ). */
  private runUnet(z: Float32Array, batch: Array<{ lambda: number; t: number }>, mixed: Map<number, Float32Array>) {
    const m = this.manifest;
    const L = m.tokenizer.contextLength;
    const D = m.textEncoder.hiddenSize;
    const [h, w] = m.vae.latentSize;
    const C = m.vae.latentChannels;
    const n = batch.length;
    const latentSize = C * h * w;
    const sample = new Float32Array(n * latentSize);
    const hidden = new Float32Array(n * L * D);
    const weights = new Float32Array(n * L);
    for (const [b, { lambda, t }] of batch.entries()) {
      sample.set(addNoise(z, this.diffusionNoise, t, this.acp), b * latentSize);
      hidden.set(mixed.get(lambda)!, b * L * D);
      weights[b * L + m.genpromp.tokenPosition] = 1;
    }
    return this.models.unet.run({
      sample: { dtype: 'float32', dims: [n, C, h, w], data: sample },
      timestep: { dtype: 'float32', dims: [n], data: Float32Array.from(batch, (x) => x.t) },
      encoder_hidden_states: { dtype: 'float32', dims: [n, L, D], data: hidden },
      token_weights: { dtype: 'float32', dims: [n, L], data: weights },
    });
  }
}

/** The request's own parameters, checked: they cross the worker boundary. */
function checkParams(p: unknown, m: DiffusionManifest): GenprompMapsParams {
  const o = (typeof p === 'object' && p !== null ? p : {}) as Partial<GenprompMapsParams>;
  const { lambda, timesteps, lambdas } = o;
  if (lambdas !== undefined && !Array.isArray(lambdas)) throw new EngineError('InvalidInput', "GenPromp's extra λ values must be a list");
  for (const l of [lambda, ...(lambdas ?? [])]) {
    if (typeof l !== 'number' || !(l >= 0 && l <= 1)) throw new EngineError('InvalidInput', `λ must be within [0, 1], got ${String(l)}`);
  }
  if (!Array.isArray(timesteps) || timesteps.length === 0) throw new EngineError('InvalidInput', 'GenPromp needs at least one timestep');
  for (const t of timesteps) {
    if (!Number.isInteger(t) || t < 0 || t >= m.scheduler.numTrainTimesteps) {
      throw new EngineError('InvalidInput', `Timestep ${String(t)} is outside 0…${m.scheduler.numTrainTimesteps - 1}`);
    }
  }
  return { lambda: lambda as number, timesteps: timesteps as number[], ...(lambdas ? { lambdas } : {}) };
}

/** Mean over the leading batch axis: [B, N] → [N], float32 sequential sums. */
function meanOverBatch(x: Float32Array, B: number, N: number): Float32Array {
  const out = new Float32Array(N);
  for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) out[i] = out[i]! + x[b * N + i]!;
  for (let i = 0; i < N; i++) out[i] = out[i]! / B;
  return out;
}
