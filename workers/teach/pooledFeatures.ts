/**
 * The new classifier row's positives: the pooled classifier features (what the head reads) of the
 * dropped images and of `copies` augmented versions of each (src/shared/teach/augment.ts).
 */
import type { ImagePixels, PooledFeatures } from '@shared/api';
import { EngineError } from '@shared/errors';
import { resizeForModel, toNormalizedNCHW } from '@shared/image/preprocess';
import type { Manifest } from '@shared/manifest';
import { augmentCopies } from '@shared/teach/augment';
import { poolFeatures } from '@shared/teach/learnedScores';
import type { ModelSession } from '../runtime/backend';

/** Classifier runs per batch: big enough to amortise a run, small enough for a 1000-class pack's memory. */
const BATCH = 8;

export async function pooledFeatures(
  m: Manifest,
  classifier: ModelSession,
  images: ImagePixels[],
  copies: number,
  seed: number,
  onProgress?: (done: number, total: number) => void,
): Promise<PooledFeatures> {
  const featureOutput = m.baselines?.cam.featureOutput;
  if (!featureOutput) throw new EngineError('InvalidInput', `Pack ${m.id} has no CAM head: teaching its classifier needs the baselines`);
  if (images.length === 0) throw new EngineError('InvalidInput', 'No images to learn from');
  const cp = m.classifierPreprocess;
  const [h, w] = cp.size;
  // The dropped images first, then their copies: image i's copies are seeded by seed + i.
  const inputs: Uint8Array[] = [];
  const originals = images.map((px) => resizeForModel(px.rgba, px.width, px.height, m.preprocess.alphaBackground, cp.size));
  inputs.push(...originals);
  if (copies > 0 && h !== w) throw new EngineError('InvalidInput', `Augmenting needs a square classifier input, not ${h}×${w}`);
  for (const [i, rgb] of originals.entries()) {
    if (copies > 0) inputs.push(...augmentCopies({ rgb, width: w, height: h }, copies, seed + i).map((c) => c.rgb));
  }
  const per = 3 * h * w;
  let dim = 0;
  let pooled = new Float32Array(0);
  let logits = new Float32Array(0);
  for (let start = 0; start < inputs.length; start += BATCH) {
    const batch = inputs.slice(start, start + BATCH);
    const data = new Float32Array(batch.length * per);
    for (const [j, rgb] of batch.entries()) data.set(toNormalizedNCHW(rgb, h, w, cp.mean, cp.std), j * per);
    const out = await classifier.run({ image: { dtype: 'float32', dims: [batch.length, 3, h, w], data } }, ['logits', featureOutput]);
    const f = out[featureOutput]!; // [B, K, fh, fw]
    const z = out.logits!; // [B, C]
    const C = z.dims[1]!;
    if (logits.length === 0) logits = new Float32Array(inputs.length * C);
    logits.set(z.data as Float32Array, start * C);
    const [, K, fh, fw] = f.dims as [number, number, number, number];
    if (dim === 0) {
      dim = K;
      pooled = new Float32Array(inputs.length * K);
    }
    const per1 = K * fh * fw;
    const values = f.data as Float32Array;
    for (let j = 0; j < batch.length; j++) {
      pooled.set(poolFeatures({ data: values.subarray(j * per1, (j + 1) * per1), dims: [K, fh, fw] }), (start + j) * K);
    }
    onProgress?.(Math.min(start + BATCH, inputs.length), inputs.length);
  }
  return { features: pooled, logits, count: inputs.length, dim };
}
