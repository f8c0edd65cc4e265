/**
 * The browser's textual inversion against its PyTorch reference (fixtures/golden/teach-inversion.json,
 * python/scripts/write_teach_inversion_golden.py): the same toy-pack models (text encoder and the
 * UNet before finetuning, from the pack's ONNX files), images' posteriors, starting word and seeds.
 * Runs on tfjs's wasm backend (the CPU backend takes seconds per UNet pass).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alphasCumprod } from '../genpromp/scheduler';
import { goldenUrl } from '../postprocess/golden.testutil';
import { type InversionData, inversionLoss, invertConcept, startingRow, stepDraws } from './inversion';
import { decodeOnnx } from './onnxGraph/decode';
import { prepareGraph, type TfGraph } from './onnxGraph/run';

interface Golden {
  wordId: number;
  padId: number;
  templateIds: number[][];
  scaling: number;
  latentShape: [number, number, number, number];
  latentMean: string;
  latentLogvar: string;
  config: { steps: number; batch: number; lr: number; weightDecay: number; flip: boolean; seed: number };
  row0: number[];
  step0: {
    images: number[];
    templates: number[];
    timesteps: number[];
    flips: boolean[];
    posteriorHead: number[];
    epsHead: number[];
    loss: number;
    grad: number[];
  };
  losses: number[];
  row: number[];
}

const golden = JSON.parse(readFileSync(goldenUrl('teach-inversion.json'), 'utf8')) as Golden;
const f32 = (b64: string) => new Float32Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer);
const packFile = (name: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../public/models/toyworld/${name}`, import.meta.url))));
const [N, C, H, W] = golden.latentShape;
const numel = C * H * W;
const data: InversionData = {
  latentMean: f32(golden.latentMean),
  latentLogvar: f32(golden.latentLogvar),
  latentShape: golden.latentShape,
  scaling: golden.scaling,
  alphasCumprod: alphasCumprod({
    type: 'ddpm',
    betaSchedule: 'scaled_linear',
    betaStart: 0.00085,
    betaEnd: 0.012,
    numTrainTimesteps: 1000,
  }),
  templateIds: golden.templateIds.map((t) => Int32Array.from(t)),
  wordId: golden.wordId,
  padId: golden.padId,
};
const textOnnx = decodeOnnx(packFile('text_encoder.onnx'));
let models: { text: TfGraph; unet: TfGraph };

beforeAll(async () => {
  setWasmPaths(fileURLToPath(new URL('../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  await tf.setBackend('wasm');
  models = { text: prepareGraph(textOnnx), unet: prepareGraph(decodeOnnx(packFile('unet_teach.onnx'))) };
});
afterAll(() => {
  models.text.dispose();
  models.unet.dispose();
});

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('textual inversion in tfjs follows PyTorch (toy pack)', () => {
  it('draws the same images, templates, timesteps, flips and noise as the Python reference', () => {
    const d = stepDraws(golden.config.seed, 0, golden.config.batch, N, golden.templateIds.length, numel);
    expect({ images: d.images, templates: d.templates, timesteps: d.timesteps, flips: d.flips }).toEqual({
      images: golden.step0.images,
      templates: golden.step0.templates,
      timesteps: golden.step0.timesteps,
      flips: golden.step0.flips,
    });
    expect(maxDiff(d.posterior.subarray(0, 4), golden.step0.posteriorHead)).toBeLessThan(1e-6);
    expect(maxDiff(d.eps.subarray(0, 4), golden.step0.epsHead)).toBeLessThan(1e-6);
  });

  it("starts from the word's row of the ONNX token-embedding table", () => {
    expect(Array.from(startingRow(textOnnx, golden.wordId))).toEqual(golden.row0.map(Math.fround));
  });

  // Tolerance: 1e-4 of the gradient's largest entry (the loss is a mean, so its gradient is small: ~1e-5).
  it('d loss / d row equals PyTorch autograd at step 0', () => {
    const d = stepDraws(golden.config.seed, 0, golden.config.batch, N, golden.templateIds.length, numel);
    const { value, grad } = tf.tidy(() => {
      const r = tf.valueAndGrad((row: tf.Tensor) => inversionLoss(models, data, row, d, golden.config.flip))(tf.tensor1d(golden.row0));
      return { value: r.value.dataSync()[0]!, grad: r.grad.dataSync() };
    });
    console.log(
      `loss ${value} (PyTorch ${golden.step0.loss}); max |Δgrad| ${maxDiff(grad, golden.step0.grad).toExponential(2)} of max |grad| ${maxAbs(golden.step0.grad).toExponential(2)}`,
    );
    expect(Math.abs(value - golden.step0.loss) / golden.step0.loss).toBeLessThan(1e-4);
    expect(maxDiff(grad, golden.step0.grad)).toBeLessThan(1e-4 * maxAbs(golden.step0.grad));
  });

  it('ten AdamW steps (augmentation off) keep each loss within 1e-3 relative of PyTorch', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const result = await invertConcept(models, data, Float32Array.from(golden.row0), golden.config);
    expect(tf.memory().numTensors, 'tensors left behind by the training').toBe(tensorsBefore);
    const rel = result.losses.map((l, i) => Math.abs(l - golden.losses[i]!) / golden.losses[i]!);
    console.log(
      `worst loss relative Δ ${Math.max(...rel).toExponential(2)}; final row max |Δ| ${maxDiff(result.row, golden.row).toExponential(2)}`,
    );
    expect(result.losses).toHaveLength(golden.losses.length);
    for (const r of rel) expect(r).toBeLessThan(1e-3);
    expect(maxDiff(result.row, golden.row)).toBeLessThan(1e-4);
  });
});
