/**
 * Textual inversion in the browser: GenPromp's stage 1 for a class the pack has never seen.
 *
 * One concept row [D] starts from the starting word's input embedding and is trained alone, with
 * AdamW, on the ε-prediction loss through the pack's frozen text encoder and UNet (run in tfjs from
 * their own ONNX files, see ./onnxGraph). Each step draws, for a batch: an image, a template, a
 * timestep in [0, 1000) and a horizontal flip, then the posterior sample and the noise ε. The
 * prompt is the template filled with the starting word, whose positions take the row (their ids
 * become padding, as stage 1 does with its concept token).
 *
 * The draws come from seeded mulberry32 streams that python/wsolkit/teach.py reproduces bit for
 * bit (`step_draws`), so this follows the PyTorch reference step by step
 * (fixtures/golden/teach-inversion.json); the distributions are stage 1's.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core ships its kernels' gradients separately; training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { EngineError } from '../errors';
import { gaussian, mulberry32 } from '../genpromp/noise';
import { addNoise } from '../genpromp/scheduler';
import { ADAMW_DEFAULTS, adamwMoments, adamwStep } from './adamw';
import type { OnnxGraph } from './onnxGraph/decode';
import { hostValue, type TfGraph } from './onnxGraph/run';

export interface InversionConfig {
  steps: number;
  batch: number;
  lr: number;
  weightDecay: number;
  /** Stage 1's augmentation: each latent is flipped left–right with probability ½. */
  flip: boolean;
  seed: number;
}

export interface StepDraws {
  images: number[];
  templates: number[];
  timesteps: number[];
  flips: boolean[];
  /** [batch · latent numel] standard normal, for the posterior sample. */
  posterior: Float32Array;
  eps: Float32Array;
}

const TIMESTEPS = 1000;

/** The uniform stream's seed for a step (0-based); the posterior and ε noise use +1 and +2. */
export function stepSeed(seed: number, step: number): number {
  return (seed * 1_000_003 + step * 3) % 4294967296;
}

export function stepDraws(seed: number, step: number, batch: number, nImages: number, nTemplates: number, latentNumel: number): StepDraws {
  const s = stepSeed(seed, step);
  const rng = mulberry32(s);
  const u = () => rng.next().value / 4294967296;
  const d: StepDraws = { images: [], templates: [], timesteps: [], flips: [], posterior: new Float32Array(), eps: new Float32Array() };
  for (let b = 0; b < batch; b++) {
    d.images.push(Math.floor(u() * nImages));
    d.templates.push(Math.floor(u() * nTemplates));
    d.timesteps.push(Math.floor(u() * TIMESTEPS));
    d.flips.push(u() < 0.5);
  }
  d.posterior = gaussian((s + 1) % 4294967296, batch * latentNumel);
  d.eps = gaussian((s + 2) % 4294967296, batch * latentNumel);
  return d;
}

/** What one class's inversion trains on, besides the models. */
export interface InversionData {
  /** The dropped images' VAE posteriors, [N, C, H, W] each, flattened. */
  latentMean: Float32Array;
  latentLogvar: Float32Array;
  latentShape: [number, number, number, number];
  scaling: number;
  /** ᾱ_t, float64 (src/shared/genpromp/scheduler.ts). */
  alphasCumprod: Float64Array;
  /** The templates filled with the starting word, token ids [T][L]. */
  templateIds: Int32Array[];
  wordId: number;
  padId: number;
}

export interface InversionModels {
  /** The pack's text encoder: input_ids, override_embeds, override_mask → last_hidden_state. */
  text: TfGraph;
  /** The UNet stage 1 trains through: sample, timestep, encoder_hidden_states → noise_pred. */
  unet: TfGraph;
}

/** A batch's noisy latents, the target ε and the prompts, computed on the host (float32 as PyTorch). */
function batchInputs(data: InversionData, d: StepDraws, flip: boolean) {
  const [n, c, h, w] = data.latentShape;
  const numel = c * h * w;
  const batch = d.images.length;
  const noisy = new Float32Array(batch * numel);
  for (let b = 0; b < batch; b++) {
    const img = d.images[b]!;
    if (img >= n) throw new EngineError('InvalidInput', `image ${img} drawn but only ${n} latents given`);
    const z = new Float32Array(numel);
    for (let i = 0; i < numel; i++) {
      const m = data.latentMean[img * numel + i]!;
      const lv = data.latentLogvar[img * numel + i]!;
      const std = Math.fround(Math.exp(Math.fround(0.5 * lv)));
      z[i] = Math.fround(Math.fround(m + Math.fround(std * d.posterior[b * numel + i]!)) * data.scaling);
    }
    if (flip && d.flips[b]) {
      for (let row = 0; row < c * h; row++) z.subarray(row * w, (row + 1) * w).reverse();
    }
    noisy.set(addNoise(z, d.eps.subarray(b * numel, (b + 1) * numel), d.timesteps[b]!, data.alphasCumprod), b * numel);
  }
  const L = data.templateIds[0]!.length;
  const ids: number[] = [];
  const mask = new Float32Array(batch * L);
  d.templates.forEach((t, b) => {
    const tokens = data.templateIds[t]!;
    for (let i = 0; i < L; i++) {
      const isWord = tokens[i] === data.wordId;
      ids.push(isWord ? data.padId : tokens[i]!);
      mask[b * L + i] = isWord ? 1 : 0;
    }
  });
  return { noisy, ids, mask, L, shape: [batch, c, h, w] };
}

/** Stage 1's loss for one step's draws, as a function of the row [D] (differentiable). */
export function inversionLoss(models: InversionModels, data: InversionData, row: tf.Tensor, d: StepDraws, flip: boolean): tf.Scalar {
  const { noisy, ids, mask, L, shape } = batchInputs(data, d, flip);
  const batch = shape[0]!;
  const D = row.shape[0]!;
  return tf.tidy(() => {
    const overrides = tf.mul(tf.ones([batch, L, 1]), tf.reshape(row, [1, 1, D]));
    const cond = models.text.run({
      input_ids: hostValue(ids, [batch, L]),
      override_embeds: overrides,
      override_mask: tf.tensor(mask, [batch, L]),
    }).last_hidden_state!;
    const pred = models.unet.run({
      sample: tf.tensor(noisy, shape),
      timestep: tf.tensor(d.timesteps, [batch], 'float32'),
      encoder_hidden_states: cond,
    }).noise_pred!;
    return tf.mean(tf.squaredDifference(pred, tf.tensor(d.eps, shape))) as tf.Scalar;
  });
}

export interface InversionResult {
  row: Float32Array;
  losses: number[];
  cancelled: boolean;
}

/** Called after each step (1-based) with its loss; returning false stops the training. */
export type InversionProgress = (step: number, loss: number, row: () => Float32Array) => boolean | undefined | Promise<boolean | undefined>;

export async function invertConcept(
  models: InversionModels,
  data: InversionData,
  row0: Float32Array,
  config: InversionConfig,
  onStep?: InversionProgress,
): Promise<InversionResult> {
  const [, c, h, w] = data.latentShape;
  const numel = c * h * w;
  const row = tf.tidy(() => tf.variable(tf.tensor1d(row0))); // tidy frees the initial value; the variable stays
  const params = [row];
  const moments = adamwMoments(params);
  const adam = { lr: config.lr, weightDecay: config.weightDecay, ...ADAMW_DEFAULTS };
  const losses: number[] = [];
  let cancelled = false;
  try {
    for (let step = 0; step < config.steps; step++) {
      const d = stepDraws(config.seed, step, config.batch, data.latentShape[0], data.templateIds.length, numel);
      const value = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => inversionLoss(models, data, row, d, config.flip), params);
        adamwStep(params, grads, moments, step + 1, adam);
        return value;
      });
      const loss = (await value.data())[0]!;
      value.dispose();
      losses.push(loss);
      const go = await onStep?.(step + 1, loss, () => row.dataSync() as Float32Array);
      if (go === false) {
        cancelled = step + 1 < config.steps;
        break;
      }
    }
    return { row: (await row.data()) as Float32Array, losses, cancelled };
  } finally {
    tf.dispose([row, ...moments.m, ...moments.s]);
  }
}

/**
 * The starting word's input embedding: its row of the text encoder's token-embedding table, read
 * from the ONNX initializer that the graph's first embedding lookup (a Gather on a 2-D weight) uses.
 */
export function startingRow(text: OnnxGraph, wordId: number): Float32Array {
  for (const node of text.nodes) {
    if (node.opType !== 'Gather') continue;
    const table = text.initializers.get(node.inputs[0]!);
    if (table?.dims.length !== 2 || !(table.data instanceof Float32Array)) continue;
    const [vocab, width] = table.dims as [number, number];
    if (!(wordId >= 0 && wordId < vocab))
      throw new EngineError('InvalidInput', `token id ${wordId} is outside the text encoder's ${vocab}-token vocabulary`);
    return table.data.slice(wordId * width, (wordId + 1) * width);
  }
  throw new EngineError(
    'ModelIOMismatch',
    'The text encoder has no token-embedding lookup (a Gather on a 2-D weight) to start the concept row from',
  );
}
