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
import { encodeMap, encodeMapU8, FIRST_VIEW_FORMAT, type FirstViewFile, type FirstViewMap } from '@shared/firstView';
import { attentionGroups, groupMap, type AttentionMaps } from '@shared/genpromp/aggregate';
import { genpromp, type GenprompParams, LAMBDA_GRID, sortedNums } from '@shared/genpromp/method';
import { diffusionOf, type Manifest } from '@shared/manifest';
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
  const lab = await labViews(engine, m, analysis.imageKey, classIndex, own.genpromp);
  const file: FirstViewFile = {
    format: FIRST_VIEW_FORMAT,
    pack: { id: m.id, createdAt: m.producer.createdAt },
    sample: { file: sample.file, label: sample.label, boxes: sample.boxes },
    classIndex,
    topK: analysis.topK,
    threshold: m.defaultThreshold,
    frame: analysis.frame,
    methods,
    ...lab,
  };
  await writeFile(out, `${JSON.stringify(file)}\n`);
  return file;
}

/** The λ strip and the t × resolution grid of the lab for the same image and class, as the page derives them (src/store/lab.ts). */
async function labViews(
  engine: ReturnType<typeof nodeEngine>,
  m: Manifest,
  imageKey: string,
  classIndex: number,
  own: GenprompParams,
): Promise<Pick<FirstViewFile, 'lambdaStrip' | 'timestepGrid'>> {
  const diffusion = diffusionOf(m);
  if (!diffusion) return {};
  const maps = (params: object) => engine.maps({ method: 'genpromp', imageKey, classIndex, params });

  // The strip: every grid λ in one batched request, as the lab asks for it.
  const strip = await maps({
    lambda: own.lambda,
    timesteps: sortedNums(own.timesteps),
    lambdas: LAMBDA_GRID.filter((l) => l !== own.lambda),
  });
  const rawAt = new Map<number, unknown>([[own.lambda, strip.raw]]);
  for (const also of strip.alsoComputed ?? []) rawAt.set((also.own as { lambda: number }).lambda, also.raw);
  const stripMaps = LAMBDA_GRID.map((lambda) => {
    const raw = rawAt.get(lambda);
    if (!raw) throw new Error(`the engine returned no maps for λ = ${lambda}`);
    const native = genpromp.aggregate(genpromp.merge(undefined, raw as AttentionMaps), { ...own, lambda }, m);
    return encodeMapU8(native.map, native.size);
  });

  // The grid: every timestep choice at the default λ, each attention group's map divided by its max.
  const rows = sortedNums([...new Set([...diffusion.genpromp.timestepChoices, ...own.timesteps])]);
  const raw = (await maps({ lambda: own.lambda, timesteps: rows })).raw as AttentionMaps;
  const groups = attentionGroups(diffusion.unetAttention);
  const resolutions = new Set(own.resolutions);
  return {
    lambdaStrip: { lambdas: [...LAMBDA_GRID], lambda: own.lambda, maps: stripMaps },
    timestepGrid: {
      timesteps: rows,
      columns: groups.map((g) => ({ key: g.key, resolution: g.resolution, block: g.block })),
      size: diffusion.vae.latentSize,
      ticked: {
        timesteps: sortedNums(own.timesteps),
        columns: own.groups ?? groups.filter((g) => resolutions.has(g.resolution)).map((g) => g.key),
      },
      maps: rows.map((t) =>
        groups.map((g) => {
          // At the group's own resolution (groupMap before its resize): a quarter of the 32×32 bytes for 16×16.
          const map = groupMap(raw, [t], g, [g.resolution, g.resolution]);
          if (!map) throw new Error(`the engine returned no ${g.key} maps at t = ${t}`);
          return encodeMapU8(map, [g.resolution, g.resolution]);
        }),
      ),
    },
  };
}
