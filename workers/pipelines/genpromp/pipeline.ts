/**
 * GenPromp inference (Zhao et al., ICCV 2023; genpromp.md §2–5), matching the
 * Python reference python/wsolkit/genpromp.py to 1e-4 in fp32.
 *
 * Caches, so that sliders cost only what they must:
 * - per image: classifier top-k and the VAE latent z (VAE runs once per image);
 * - per class: f_d and f_r (text encoder runs once per class, never on λ);
 * - per (image, class, λ, t): the raw attention maps (UNet runs once per t).
 * Threshold, resolutions and cached timesteps are re-aggregated on the UI side.
 */
import type { BaselineInputs, ClassScore, GenprompMaps, GenprompRequest, ImageAnalysis, ImagePixels, StageTimings } from '../../../src/shared/api';
import { EngineError, abortError } from '../../../src/shared/errors';
import { diffusionSeed, gaussian, posteriorSeed } from '../../../src/shared/genpromp/noise';
import { encodePrompt, mixEmbeddings } from '../../../src/shared/genpromp/prompts';
import type { WordTokenizer } from '../../../src/shared/genpromp/prompts';
import { addNoise, alphasCumprod } from '../../../src/shared/genpromp/scheduler';
import { resizeForModel, softmax, toNormalizedNCHW, toRangeNCHW, topK } from '../../../src/shared/image/preprocess';
import type { CoreRole, Manifest } from '../../../src/shared/manifest';
import type { ModelSession } from '../../runtime/backend';
import { LruCache } from './lru';

export interface PipelineModels {
  /** Core sessions always; `sat` when the pack has it. */
  sessions: Record<CoreRole, ModelSession> & { sat?: ModelSession };
  tokenizer: WordTokenizer;
  /** [classes, embedDim] learned concept rows. */
  conceptRows: Float32Array;
}

interface ImageState {
  analysis: ImageAnalysis;
  /** Scaled latent [1, C, h, w]. */
  z: Float32Array;
}

const now = () => performance.now();

/** Cache key of an image: its size and a hash of its pixels (hashed in place, no copy). */
export async function imageKeyOf(px: ImagePixels): Promise<string> {
  const pixels = new Uint8Array(px.rgba.buffer, px.rgba.byteOffset, px.rgba.byteLength);
  const digest = await crypto.subtle.digest('SHA-256', pixels as Uint8Array<ArrayBuffer>);
  const hex = Array.from(new Uint8Array(digest).slice(0, 12), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${px.width}x${px.height}-${hex}`;
}

export class GenprompPipeline {
  private readonly acp: Float64Array;
  private readonly images = new LruCache<string, ImageState>(8);
  private readonly text = new LruCache<number, { fd: Float32Array; fr: Float32Array }>(64);
  private readonly maps = new LruCache<string, Record<string, Float32Array>>(512);
  private readonly diffusionNoise: Float32Array;

  constructor(
    readonly manifest: Manifest,
    private readonly models: PipelineModels,
  ) {
    this.acp = alphasCumprod(manifest.scheduler);
    const [h, w] = manifest.vae.latentSize;
    this.diffusionNoise = gaussian(diffusionSeed(manifest.genpromp.noiseSeed), manifest.vae.latentChannels * h * w);
  }

  /** Take over another pipeline's caches (same pack, e.g. after a backend switch). */
  adoptCaches(from: GenprompPipeline): void {
    if (from.manifest.id !== this.manifest.id) return;
    this.images.copyFrom(from.images);
    this.text.copyFrom(from.text);
    this.maps.copyFrom(from.maps);
  }

  /** Preprocess, classify and VAE-encode; cached by content. */
  async analyze(px: ImagePixels): Promise<ImageAnalysis> {
    const m = this.manifest;
    if (px.width < 1 || px.height < 1 || px.rgba.length !== px.width * px.height * 4) {
      throw new EngineError('InvalidInput', `Image buffer of ${px.rgba.length} bytes does not match ${px.width}×${px.height} RGBA`);
    }
    const t0 = now();
    const imageKey = await imageKeyOf(px);
    const hit = this.images.get(imageKey);
    if (hit) return { ...hit.analysis, timings: { total: now() - t0 } };

    const timings: StageTimings = {};
    let t = now();
    const [S0, S1] = m.preprocess.size;
    const rgb = resizeForModel(px.rgba, px.width, px.height, m.preprocess.alphaBackground, m.preprocess.size);
    const x = toRangeNCHW(rgb, S0, S1, m.preprocess.range);
    const cp = m.classifierPreprocess;
    const crgb =
      cp.size[0] === S0 && cp.size[1] === S1 ? rgb : resizeForModel(px.rgba, px.width, px.height, m.preprocess.alphaBackground, cp.size);
    const cx = toNormalizedNCHW(crgb, cp.size[0], cp.size[1], cp.mean, cp.std);
    timings.preprocess = now() - t;

    t = now();
    const image = { dtype: 'float32' as const, dims: [1, 3, cp.size[0], cp.size[1]], data: cx };
    const featureOutput = m.baselines?.cam.featureOutput;
    const out = await this.models.sessions.classifier.run({ image }, featureOutput ? ['logits', featureOutput] : ['logits']);
    const topk = this.topK(out.logits!.data as Float32Array);
    timings.classifier = now() - t;

    let baselines: BaselineInputs | null = null;
    if (featureOutput) {
      const f = out[featureOutput]!;
      baselines = { features: { data: f.data as Float32Array, dims: [f.dims[1]!, f.dims[2]!, f.dims[3]!] }, sat: null };
      const sat = m.baselines?.sat;
      if (sat && this.models.sessions.sat) {
        t = now();
        const s = await this.models.sessions.sat.run({ image }, ['logits', sat.mapOutput]);
        const bm = s[sat.mapOutput]!;
        baselines.sat = { blockMaps: { data: bm.data as Float32Array, dims: [bm.dims[1]!, bm.dims[2]!, bm.dims[3]!] }, topK: this.topK(s.logits!.data as Float32Array) };
        timings.sat = now() - t;
      }
    }

    t = now();
    const z = await this.encodeLatent(x);
    timings.vae = now() - t;
    timings.total = now() - t0;

    const analysis: ImageAnalysis = { imageKey, topK: topk, frame: [S0, S1], timings, baselines };
    this.images.set(imageKey, { analysis, z });
    return analysis;
  }

  private topK(logits: Float32Array): ClassScore[] {
    const p = softmax(logits);
    return topK(p, Math.min(5, p.length)).map((i) => ({
      index: i,
      name: this.manifest.classes[i]!.name,
      displayName: this.manifest.classes[i]!.displayName,
      probability: p[i]!,
    }));
  }

  private async encodeLatent(x: Float32Array): Promise<Float32Array> {
    const m = this.manifest;
    const [S0, S1] = m.preprocess.size;
    const out = await this.models.sessions.vae_encoder.run({ image: { dtype: 'float32', dims: [1, 3, S0, S1], data: x } });
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

  /** f_d and f_r for a class: text-encoder outputs averaged over the templates. */
  async textEmbeddings(classIndex: number): Promise<{ fd: Float32Array; fr: Float32Array; ms: number }> {
    const hit = this.text.get(classIndex);
    if (hit) return { ...hit, ms: 0 };
    const t0 = now();
    const m = this.manifest;
    const c = m.classes[classIndex];
    if (!c) throw new EngineError('InvalidInput', `Class ${classIndex} does not exist in pack ${m.id} (it has ${m.classes.length} classes)`);
    const L = m.tokenizer.contextLength;
    const D = m.textEncoder.hiddenSize;
    const E = m.textEncoder.embedDim;
    const T = m.promptTemplates.length;
    const conceptId = this.models.tokenizer.tokenToId(c.conceptToken);
    if (conceptId === undefined) {
      throw new EngineError('ManifestInvalid', `The tokenizer has no token "${c.conceptToken}" for class ${c.name}; re-export the pack`);
    }
    const idsD = new Int32Array(T * L);
    const idsR = new Int32Array(T * L);
    const overrideMask = new Float32Array(T * L);
    const overrideEmbeds = new Float32Array(T * L * E);
    const row = this.models.conceptRows.subarray(classIndex * E, (classIndex + 1) * E);
    m.promptTemplates.forEach((template, j) => {
      idsD.set(encodePrompt(this.models.tokenizer, m.tokenizer, template.replace('{}', c.metaToken)), j * L);
      const r = encodePrompt(this.models.tokenizer, m.tokenizer, template.replace('{}', c.conceptToken));
      for (let k = 0; k < L; k++) {
        // The concept token has no table row: inject its learned input embedding.
        if (r[k] === conceptId) {
          r[k] = m.tokenizer.padId;
          overrideMask[j * L + k] = 1;
          overrideEmbeds.set(row, (j * L + k) * E);
        }
      }
      idsR.set(r, j * L);
    });
    const zeros = new Float32Array(T * L * E);
    const run = async (ids: Int32Array, embeds: Float32Array, mask: Float32Array) => {
      const out = await this.models.sessions.text_encoder.run({
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
   * Attention maps for every requested timestep; timesteps already computed for
   * this (image, class, λ) come from cache, the rest run as one UNet batch.
   * `superseded()` is polled before the UNet so a newer request can take over.
   */
  async genpromp(req: GenprompRequest, superseded: () => boolean = () => false): Promise<GenprompMaps> {
    const t0 = now();
    const m = this.manifest;
    const image = this.images.get(req.imageKey);
    if (!image) throw new EngineError('InvalidInput', 'The image is no longer cached in the engine; analyse it again');
    for (const t of req.timesteps) {
      if (!Number.isInteger(t) || t < 0 || t >= m.scheduler.numTrainTimesteps) {
        throw new EngineError('InvalidInput', `Timestep ${t} is outside 0…${m.scheduler.numTrainTimesteps - 1}`);
      }
    }
    if (!(req.lambda >= 0 && req.lambda <= 1)) throw new EngineError('InvalidInput', `λ must be within [0, 1], got ${req.lambda}`);

    const timings: StageTimings = { unetPerTimestep: {} };
    const maps: GenprompMaps['maps'] = {};
    const cachedTimesteps: number[] = [];
    const key = (t: number) => `${req.imageKey}|${req.classIndex}|${req.lambda}|${t}`;
    const missing = req.timesteps.filter((t) => {
      const hit = this.maps.get(key(t));
      if (hit) {
        maps[t] = hit;
        cachedTimesteps.push(t);
      }
      return !hit;
    });
    if (missing.length > 0) {
      const text = await this.textEmbeddings(req.classIndex);
      timings.textEncoder = text.ms;
      const f = mixEmbeddings(text.fd, text.fr, req.lambda);
      const L = m.tokenizer.contextLength;
      const tokenWeights = new Float32Array(L);
      tokenWeights[m.genpromp.tokenPosition] = 1;
      const [h, w] = m.vae.latentSize;
      const C = m.vae.latentChannels;
      const unetStart = now();
      // One batched run for all missing timesteps: with 2 wasm threads a batch
      // of 2 costs about what a batch of 1 does (bench/run.mjs).
      if (superseded()) throw abortError('GenPromp request');
      const n = missing.length;
      const latentSize = C * h * w;
      const sample = new Float32Array(n * latentSize);
      const hidden = new Float32Array(n * f.length);
      const weights = new Float32Array(n * L);
      missing.forEach((t, b) => {
        sample.set(addNoise(image.z, this.diffusionNoise, t, this.acp), b * latentSize);
        hidden.set(f, b * f.length);
        weights.set(tokenWeights, b * L);
      });
      const out = await this.models.sessions.unet.run({
        sample: { dtype: 'float32', dims: [n, C, h, w], data: sample },
        timestep: { dtype: 'float32', dims: [n], data: Float32Array.from(missing) },
        encoder_hidden_states: { dtype: 'float32', dims: [n, L, m.textEncoder.hiddenSize], data: hidden },
        token_weights: { dtype: 'float32', dims: [n, L], data: weights },
      });
      const perTimestepMs = (now() - unetStart) / n;
      missing.forEach((t, b) => {
        const perLayer: Record<string, Float32Array> = {};
        for (const a of m.unetAttention) {
          const size = a.resolution * a.resolution;
          // [n, r·r] → row b; slice() copies so each cached map owns its buffer.
          perLayer[a.output] = (out[a.output]!.data as Float32Array).slice(b * size, (b + 1) * size);
        }
        this.maps.set(key(t), perLayer);
        maps[t] = perLayer;
        timings.unetPerTimestep![t] = perTimestepMs;
      });
      timings.unetBatch = n;
      timings.unet = now() - unetStart;
    }
    timings.total = now() - t0;
    return { request: req, maps, timings, cachedTimesteps };
  }
}

/** Mean over the leading batch axis: [B, N] → [N], float32 sequential sums. */
function meanOverBatch(x: Float32Array, B: number, N: number): Float32Array {
  const out = new Float32Array(N);
  for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) out[i] = out[i]! + x[b * N + i]!;
  for (let i = 0; i < N; i++) out[i] = out[i]! / B;
  return out;
}
