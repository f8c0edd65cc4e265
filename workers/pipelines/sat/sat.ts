/** SAT's per-image run: its ViT classifies its own normalised input and returns each SQA block's spatial-token mask. */
import { EngineError } from '@shared/errors';
import { toNormalizedNCHW } from '@shared/image/preprocess';
import type { SatImageData } from '@shared/sat/method';
import { topKScores } from '../analysis/analyze';
import type { MethodWorker, PackContext } from '../types';

export function createSat(ctx: PackContext): MethodWorker {
  const spec = ctx.manifest.baselines?.sat;
  const session = ctx.sessions.sat;
  const pre = ctx.manifest.satPreprocess;
  if (!spec || !session || !pre) throw new EngineError('ManifestInvalid', 'SAT needs models.sat and baselines.sat in the manifest');
  return {
    async analyze(image, timings) {
      const t = performance.now();
      const [h, w] = pre.size;
      // SAT's own normalisation: it may differ from the classifier's (a pretrained classifier keeps its weights' own).
      const input = { dtype: 'float32' as const, dims: [1, 3, h, w], data: toNormalizedNCHW(image.rgb(pre.size), h, w, pre.mean, pre.std) };
      const out = await session.run({ image: input }, ['logits', spec.mapOutput]);
      const bm = out[spec.mapOutput]!; // [1, blocks, g, g]
      const data: SatImageData = {
        blockMaps: { data: bm.data as Float32Array, dims: [bm.dims[1]!, bm.dims[2]!, bm.dims[3]!] },
        topK: topKScores(ctx.manifest, out.logits!.data as Float32Array),
      };
      timings.sat = performance.now() - t;
      return { data };
    },
  };
}
