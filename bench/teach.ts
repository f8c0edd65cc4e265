/**
 * Teach benchmark page: times textual-inversion steps (forward and backward through the pack's text
 * encoder and teaching UNet) in tfjs on each backend, at the pack's own batch. Results go to
 * window.__teachBench (read by bench/run.mjs). Query: ?pack=<url>&backends=wasm:4,webgl:3,cpu:1
 * (backend:steps; the first step of each backend also compiles its kernels and is reported apart).
 *
 * The images' latents are seeded noise: a step's cost does not depend on what the images show.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gaussian } from '@shared/genpromp/noise';
import { alphasCumprod } from '@shared/genpromp/scheduler';
import { diffusionOf, parseManifest } from '@shared/manifest';
import { type InversionData, invertConcept, startingRow } from '@shared/teach/inversion';
import { decodeOnnx } from '@shared/teach/onnxGraph/decode';
import { prepareGraph } from '@shared/teach/onnxGraph/run';
import { type TfBackendName, startTfBackend } from '../workers/teach/tfjsBackend';

const q = new URLSearchParams(location.search);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};

async function main() {
  const pack = new URL(q.get('pack') ?? '/models/toyworld/', location.href).href;
  const manifest = parseManifest(await (await fetch(`${pack}manifest.json`)).json(), pack);
  const teach = manifest.teach;
  const diffusion = diffusionOf(manifest);
  const text = manifest.models.text_encoder?.variants.find((v) => v.precision === 'fp32');
  if (!teach || !diffusion || !text) throw new Error(`${pack} offers no teaching (no teach section or fp32 text encoder)`);
  const bytes = async (path: string) => new Uint8Array(await (await fetch(`${pack}${path}`)).arrayBuffer());
  const textOnnx = decodeOnnx(await bytes(text.path));
  const unetOnnx = decodeOnnx(await bytes(teach.unet.path));

  const [c, h, w] = [diffusion.vae.latentChannels, ...diffusion.vae.latentSize] as [number, number, number];
  const images = 5;
  const L = diffusion.tokenizer.contextLength;
  const wordId = 3;
  const templateIds = diffusion.promptTemplates.map((_, t) => {
    const ids = new Int32Array(L).fill(diffusion.tokenizer.padId);
    ids.set([diffusion.tokenizer.bosId, 4 + t, wordId, diffusion.tokenizer.eosId]);
    return ids;
  });
  const data: InversionData = {
    latentMean: gaussian(1, images * c * h * w),
    latentLogvar: new Float32Array(images * c * h * w).fill(-6),
    latentShape: [images, c, h, w],
    scaling: diffusion.vae.scalingFactor,
    alphasCumprod: alphasCumprod(diffusion.scheduler),
    templateIds,
    wordId,
    padId: diffusion.tokenizer.padId,
  };
  const row0 = startingRow(textOnnx, wordId);

  const results: Record<string, unknown> = {};
  for (const spec of (q.get('backends') ?? 'wasm:4').split(',')) {
    const [name, steps] = spec.split(':') as [TfBackendName, string];
    try {
      await startTfBackend(name);
      const models = { text: prepareGraph(textOnnx), unet: prepareGraph(unetOnnx) };
      const stepMs: number[] = [];
      let last = performance.now();
      await invertConcept(models, data, row0, { ...teach.inversion, steps: Number(steps), seed: 0 }, () => {
        const now = performance.now();
        stepMs.push(now - last);
        last = now;
        return undefined;
      });
      models.text.dispose();
      models.unet.dispose();
      const steady = stepMs.length > 1 ? median(stepMs.slice(1)) : stepMs[0]!;
      results[name] = {
        batch: teach.inversion.batch,
        firstStepMs: stepMs[0],
        stepMsMedian: steady,
        stepsTimed: Math.max(1, stepMs.length - 1),
        // The pack's whole teach (teach.inversion.steps) at the measured per-step time.
        wholeTeachSecondsAtMeasuredRate: (teach.inversion.steps * steady) / 1000,
        tfBackend: tf.getBackend(),
      };
    } catch (err) {
      results[name] = { error: String((err as Error)?.message ?? err) };
    }
    document.getElementById('out')!.textContent = JSON.stringify(results, null, 2);
  }
  (window as unknown as { __teachBench: unknown }).__teachBench = { steps: teach.inversion.steps, backends: results };
}

main().catch((err) => {
  (window as unknown as { __teachBench: unknown }).__teachBench = { error: String((err as Error)?.stack ?? err) };
});
