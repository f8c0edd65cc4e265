/**
 * SAT's worker side. The shared analysis only resizes the image to SAT's input (kept with the
 * image); the ViT runs on the first request for the image's SAT map, and its session is created
 * on the first request at all (PackContext.session): the first view does not wait for SAT.
 * One run classifies SAT's own normalised input and returns each SQA block's spatial-token mask.
 */
import type { MapsResult } from '@shared/api';
import { EngineError } from '@shared/errors';
import { toNormalizedNCHW } from '@shared/image/preprocess';
import type { SatImageData } from '@shared/sat/method';
import { topKScores } from '../analysis/analyze';
import type { MethodWorker, PackContext } from '../types';

export function createSat(ctx: PackContext): MethodWorker {
  // Not the whole context: its `files` would keep every downloaded byte of the pack alive.
  const { manifest, session: sessionOf } = ctx;
  const spec = manifest.baselines?.sat;
  const pre = manifest.satPreprocess;
  if (!spec || !manifest.models.sat || !pre)
    throw new EngineError('ManifestInvalid', 'SAT needs models.sat and baselines.sat in the manifest');
  const [h, w] = pre.size;
  return {
    async analyze(image) {
      return { state: image.rgb(pre.size) };
    },
    async maps(request, imageState): Promise<MapsResult> {
      const rgb = imageState as Uint8Array | undefined;
      if (!rgb) throw new EngineError('InvalidInput', 'The image was analysed without SAT’s input; analyse it again');
      const session = await sessionOf('sat');
      const t = performance.now();
      // SAT's own normalisation: it may differ from the classifier's (a pretrained classifier keeps its weights' own).
      const input = { dtype: 'float32' as const, dims: [1, 3, h, w], data: toNormalizedNCHW(rgb, h, w, pre.mean, pre.std) };
      const out = await session.run({ image: input }, ['logits', spec.mapOutput]);
      const bm = out[spec.mapOutput]!; // [1, blocks, g, g]
      const raw: SatImageData = {
        blockMaps: { data: bm.data as Float32Array, dims: [bm.dims[1]!, bm.dims[2]!, bm.dims[3]!] },
        topK: topKScores(manifest, out.logits!.data as Float32Array),
      };
      return { request, raw, timings: { sat: performance.now() - t } };
    },
  };
}
