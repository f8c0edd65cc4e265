/** The VAE posteriors of images at the diffusion input, as GenPromp's per-image step computes them. */
import type { ImagePixels, Posteriors } from '@shared/api';
import { EngineError } from '@shared/errors';
import { resizeForModel, toRangeNCHW } from '@shared/image/preprocess';
import { diffusionOf, type Manifest } from '@shared/manifest';
import type { ModelSession } from '../runtime/backend';

export async function encodePosteriors(m: Manifest, vae: ModelSession | undefined, images: ImagePixels[]): Promise<Posteriors> {
  const d = diffusionOf(m);
  if (!d || !vae) throw new EngineError('InvalidInput', `Pack ${m.id} has no VAE encoder: teaching GenPromp needs a diffusion pack`);
  if (images.length === 0) throw new EngineError('InvalidInput', 'No images to encode');
  const [S0, S1] = m.preprocess.size;
  const means: Float32Array[] = [];
  const logvars: Float32Array[] = [];
  let dims: number[] = [];
  for (const px of images) {
    const rgb = resizeForModel(px.rgba, px.width, px.height, m.preprocess.alphaBackground, m.preprocess.size);
    const out = await vae.run({ image: { dtype: 'float32', dims: [1, 3, S0, S1], data: toRangeNCHW(rgb, S0, S1, m.preprocess.range) } });
    means.push(out.latent_mean!.data as Float32Array);
    logvars.push(out.latent_logvar!.data as Float32Array);
    dims = out.latent_mean!.dims;
  }
  const numel = means[0]!.length;
  const join = (parts: Float32Array[]) => {
    const all = new Float32Array(parts.length * numel);
    for (const [i, p] of parts.entries()) all.set(p, i * numel);
    return all;
  };
  return { mean: join(means), logvar: join(logvars), shape: [images.length, dims[1]!, dims[2]!, dims[3]!] };
}
