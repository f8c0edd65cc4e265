/**
 * Writes public/first-view.json (src/shared/firstView.ts): the first gallery sample with ground
 * truth through the live pipeline (the engine on ORT wasm in Node, fp32), every method with a model
 * that the pack shows, at the pack's default parameters and the classifier's top-1 class (as the
 * live view starts). The sanity baselines are left out: they need no model, and the centre Gaussian
 * and Sobel maps are frame-sized (64 kB each), most of the file.
 *
 *     npm run first-view            # after a pack or gallery change
 *
 * The page ignores a file whose pack id or build time differs from the loaded pack's.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { encodeMap, FIRST_VIEW_FORMAT, type FirstViewFile, type FirstViewMap } from '@shared/firstView';
import { ALL_METHODS, isSanityBaseline, ownParamsFor } from '@shared/methods/registry';
import { nodeEngine, packUrl, readPng, repoRoot } from '../workers/testing/nodeEngine';

export async function writeFirstView(packId = 'toyworld', out = `${repoRoot}public/first-view.json`): Promise<FirstViewFile> {
  const samples = JSON.parse(await readFile(`${repoRoot}public/samples/index.json`, 'utf8')).samples;
  const sample = samples.find((s: { boxes?: unknown[] }) => (s.boxes?.length ?? 0) > 0);
  if (!sample) throw new Error('public/samples/index.json has no sample with ground truth');
  const engine = nodeEngine();
  await engine.init();
  const pack = await engine.loadPack(packUrl(`public/models/${packId}`));
  const m = pack.manifest;
  const image = await readPng(`${repoRoot}public/samples/${sample.file}`);
  const analysis = await engine.analyzeImage(image);
  const classIndex = analysis.topK[0]!.index;
  const own = ownParamsFor(m, null);
  const methods: Record<string, FirstViewMap> = {};
  for (const def of ALL_METHODS) {
    if (def.unavailable(m) !== null || isSanityBaseline(def)) continue;
    const o = own[def.id] as unknown;
    const raw =
      def.source === 'engine'
        ? def.merge(
            undefined,
            (await engine.maps({ method: def.id, imageKey: analysis.imageKey, classIndex, params: def.request(undefined, o) })).raw,
          )
        : def.raw({ pack, analysis, image, classIndex, own: o });
    const native = def.aggregate(raw, o, m);
    methods[def.id] = encodeMap(native.map, native.size);
  }
  const file: FirstViewFile = {
    format: FIRST_VIEW_FORMAT,
    pack: { id: m.id, createdAt: m.producer.createdAt },
    sample: { file: sample.file, label: sample.label, boxes: sample.boxes },
    classIndex,
    threshold: m.defaultThreshold,
    frame: analysis.frame,
    methods,
  };
  await writeFile(out, `${JSON.stringify(file)}\n`);
  return file;
}
