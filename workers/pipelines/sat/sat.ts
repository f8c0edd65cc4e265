/** SAT's per-image run: its ViT classifies the classifier's input and returns each SQA block's spatial-token mask. */
import { EngineError } from '@shared/errors';
import type { SatImageData } from '@shared/sat/method';
import { topKScores } from '../analysis/analyze';
import type { MethodWorker, PackContext } from '../types';

export function createSat(ctx: PackContext): MethodWorker {
  const spec = ctx.manifest.baselines?.sat;
  const session = ctx.sessions.sat;
  if (!spec || !session) throw new EngineError('ManifestInvalid', 'SAT needs models.sat and baselines.sat in the manifest');
  return {
    async analyze(image, timings) {
      const t = performance.now();
      const out = await session.run({ image: image.classifierImage }, ['logits', spec.mapOutput]);
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
