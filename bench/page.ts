/**
 * Benchmark page: drives the real engine Worker through the app's engine client
 * and times what a user waits for. Results go to window.__bench (read by
 * bench/run.mjs). Query: ?pack=<url>&backend=wasm|webgpu&image=<url>&repeats=N&minimal=1
 * `minimal` (for full-size packs on a CPU): every map request runs one timestep at a time (batch 1:
 * an untruncated SD UNet at batch 2 exceeds wasm's 4 GiB heap), the per-timestep UNet cost comes
 * from the first map, and the λ and class changes run once each instead of `repeats` times / once per class.
 */
import { getEngine } from '../src/engine-client';
import type { EngineOptions, PackSummary } from '@shared/api';
import { aggregateAttention, localize, type AttentionMaps } from '@shared/genpromp/aggregate';
import { genprompMapsRequest } from '@shared/genpromp/method';
import { diffusionOf } from '@shared/manifest';
import { ALL_METHODS, ownParamsFor } from '@shared/methods/registry';
import { benchImages, newTallies, scoreImage, scoresOf } from '@shared/metrics/galleryBenchmark';
import { splitGallery } from '@shared/metrics/protocol';
import { labLatencies } from './lab';
import { drawSheet, sheetPng, unscoredMap } from '../src/app/export/sheet';
import { LESSON_FIELDS } from '../src/app/lessonLink/fields';
import { decodeHash } from '../src/app/lessonLink/hash';
import { applyLesson, lessonHash } from '../src/app/lessonLink/sync';
import { resetStore, useAppStore } from '../src/store';

const q = new URLSearchParams(location.search);
const repeats = Number(q.get('repeats') ?? 15);
const minimal = q.get('minimal') === '1';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
const stats = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length });

async function decode(url: string) {
  const bmp = await createImageBitmap(await (await fetch(url)).blob(), { premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bmp, 0, 0);
  return { width: bmp.width, height: bmp.height, rgba: ctx.getImageData(0, 0, bmp.width, bmp.height).data };
}

/** The gallery benchmark over public/samples/ at the pack's defaults: wall time and each method's MaxBoxAccV2. */
async function galleryBenchmark(engine: ReturnType<typeof getEngine>, pack: PackSummary) {
  const samples = (await (await fetch(new URL('/samples/index.json', location.href))).json()).samples;
  const images = benchImages(samples, pack.manifest);
  if (images.length < 2) return { skipped: `the gallery has ${images.length} image(s) with a class of pack ${pack.manifest.id}` };
  const own = ownParamsFor(pack.manifest, null);
  const tallies = newTallies(pack.manifest);
  const run = { engine, pack, ownOf: (id: keyof typeof own) => own[id] as unknown, threshold: pack.manifest.defaultThreshold };
  const t = performance.now();
  for (const img of images) await scoreImage(run, img, await decode(new URL(`/samples/${img.file}`, location.href).href), tallies);
  const totalMs = performance.now() - t;
  const scores = scoresOf(tallies, splitGallery(images.map((i) => i.file)), images.length);
  return {
    images: images.length,
    methods: tallies.map((x) => x.def.id),
    totalMs,
    perImageMs: totalMs / images.length,
    maxBoxAccV2: Object.fromEntries(scores.map((x) => [x.method, x.maxBoxAccV2])),
    testAtValidationTau: Object.fromEntries(scores.map((x) => [x.method, x.protocol?.testAtValidationTau ?? null])),
    testAtTestTau: Object.fromEntries(scores.map((x) => [x.method, x.protocol?.testAtTestTau ?? null])),
  };
}

async function main() {
  const engine = getEngine();
  await engine.clearCache().catch(() => undefined);
  const threads = q.get('threads');
  const precision = q.get('precision') as EngineOptions['precision'] | null;
  const device = await engine.init(q.get('backend') === 'webgpu' ? 'webgpu' : 'wasm', {
    ...(threads ? { wasmThreads: Number(threads) } : {}),
    ...(precision ? { precision } : {}),
  });
  const packUrl = new URL(q.get('pack') ?? '/models/fixture-tiny/', location.href).href;

  let t = performance.now();
  const pack = await engine.loadPack(packUrl);
  const loadMs = performance.now() - t;
  const m = diffusionOf(pack.manifest);
  if (!m) throw new Error(`The benchmark measures GenPromp, which pack ${pack.manifest.id} cannot run: pick a Stable Diffusion pack`);
  const px = await decode(new URL(q.get('image') ?? '/samples/dog.png', location.href).href);

  t = performance.now();
  const analysis = await engine.analyzeImage(px);
  const analyzeMs = performance.now() - t;
  const cls = analysis.topK[0]!.index;
  const g = m.genpromp;
  const opts = { timesteps: g.timesteps, resolutions: g.resolutions, outputs: m.unetAttention, latentSize: m.vae.latentSize };
  const post = (raw: unknown, tau: number) =>
    localize(aggregateAttention(raw as AttentionMaps, opts)!, m.vae.latentSize, analysis.frame, tau, 'largest');

  /** The maps of all default timesteps: one batched request, or (minimal) one request per timestep, merged. */
  const mapsAt = async (classIndex: number, lambda: number) => {
    if (!minimal) return engine.maps(genprompMapsRequest(analysis.imageKey, classIndex, { lambda, timesteps: g.timesteps }));
    const parts = [];
    for (const t of g.timesteps)
      parts.push(await engine.maps(genprompMapsRequest(analysis.imageKey, classIndex, { lambda, timesteps: [t] })));
    return {
      raw: Object.assign({}, ...parts.map((p) => p.raw as AttentionMaps)) as AttentionMaps,
      timings: {
        textEncoder: parts[0]!.timings.textEncoder,
        unetPerTimestep: Object.assign({}, ...parts.map((p) => p.timings.unetPerTimestep)) as Record<number, number>,
      },
    };
  };

  // First GenPromp call for the class: text encoder + UNet at every default timestep.
  t = performance.now();
  const first = await mapsAt(cls, g.lambda);
  post(first.raw, g.threshold);
  const firstMapMs = performance.now() - t;

  // Per-timestep UNet cost: one timestep per request (batch 1), at fresh λ values so
  // nothing is cached; median of 3 per timestep.
  const unetPerT: Record<number, number> = minimal ? { ...first.timings.unetPerTimestep } : {};
  let fresh = 0;
  for (const t of minimal ? [] : g.timestepChoices) {
    const runs: number[] = [];
    for (let k = 0; k < 3; k++) {
      const r = await engine.maps(genprompMapsRequest(analysis.imageKey, cls, { lambda: 0.0101 * ++fresh, timesteps: [t] }));
      runs.push(r.timings.unetPerTimestep![t]!);
    }
    unetPerT[t] = median(runs);
  }

  const postMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const s = performance.now();
    post(first.raw, g.threshold);
    postMs.push(performance.now() - s);
  }

  // λ change: a new λ every time (never cached), full redraw from the UI thread.
  const lambdaMs: number[] = [];
  for (let i = 0; i < (minimal ? 1 : repeats); i++) {
    const lambda = Math.round((0.013 + i / repeats) * 1000) / 1000;
    const s = performance.now();
    const r = await mapsAt(cls, lambda);
    post(r.raw, g.threshold);
    lambdaMs.push(performance.now() - s);
  }

  // Threshold change: aggregation + box on the UI thread, no model.
  const thresholdMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const s = performance.now();
    post(first.raw, 0.1 + (0.8 * i) / repeats);
    thresholdMs.push(performance.now() - s);
  }

  // Class change: text encoder (first time for the class) + UNet + redraw.
  const classMs: number[] = [];
  for (const c of m.classes.filter((c) => c.index !== cls).slice(0, minimal ? 1 : undefined)) {
    const s = performance.now();
    const r = await mapsAt(c.index, g.lambda);
    post(r.raw, g.threshold);
    classMs.push(performance.now() - s);
  }

  // The baselines (CAM, LPCAM, SAT): a class (or own-parameter) change recomputes the map through
  // the method's registry entry and draws the box, no model run. SAT's ViT runs in the worker on its
  // first request (session creation included): timed once, as satFirstRequest.
  const baseline: Record<string, unknown> = {};
  for (const def of ALL_METHODS) {
    if (def.id === 'genpromp' || def.unavailable(m) !== null) continue;
    const own = def.defaults(m, undefined);
    let engineRaw: unknown;
    if (def.source === 'engine') {
      const s = performance.now();
      const res = await engine.maps({ method: def.id, imageKey: analysis.imageKey, classIndex: cls, params: def.request(undefined, own) });
      engineRaw = def.merge(undefined, res.raw);
      baseline[`${def.id}FirstRequest`] = { ms: performance.now() - s, run: res.timings };
    }
    const timeOne = (classIndex: number, o: unknown) => {
      const s = performance.now();
      const raw = def.source === 'engine' ? engineRaw : def.raw({ pack, analysis, image: px, classIndex, learned: null, own: o });
      const native = def.aggregate(raw, o, m);
      localize(native.map, native.size, analysis.frame, g.threshold, 'largest');
      return performance.now() - s;
    };
    // A class-agnostic method (SAT) changes its own choice instead: cycle through it.
    const choice = def.controls.find((c) => c.kind === 'choice');
    const runs =
      def.classAgnostic && choice?.kind === 'choice'
        ? Array.from({ length: repeats }, (_, i) => {
            const cs = choice.choices(m);
            return timeOne(cls, { ...(own as object), [choice.key]: cs[i % cs.length]!.value });
          })
        : m.classes.map((c) => timeOne(c.index, own));
    baseline[`${def.id}${def.classAgnostic ? 'OwnParamChange' : 'ClassChange'}`] = stats(runs);
  }

  // The lab's gallery benchmark: every gallery image with GT through every method, as the app runs it
  // (fetch + decode included). Skipped when the gallery names no class of this pack.
  const gallery = minimal ? null : await galleryBenchmark(engine, pack);

  const tfjs =
    q.get('backend') === 'webgpu'
      ? await (await import('./tfjsPostprocess')).tfjsVsJs(
          aggregateAttention(first.raw as AttentionMaps, opts)!,
          m.vae.latentSize,
          analysis.frame,
          repeats,
        )
      : undefined;

  // The classroom lab through the app's store (bench/lab.ts): λ strip, cached λ, t × resolution toggle, probe.
  const lab = minimal ? undefined : await labLatencies(packUrl, px, Math.max(20, repeats));

  // Lesson links: the app writes the state's hash after every store change (one per frame at
  // most while a slider or the probe moves), and a link applies in one store update.
  // After the lab's latencies, on a fresh store: they drive the same store through its actions.
  resetStore();
  useAppStore.setState({ pack, packStatus: 'ready', drawnGt: [10, 12, 120, 140], probe: { x: 0.4, y: 0.6 } });
  const hashMs: number[] = [];
  let hash = '';
  for (let i = 0; i < repeats * 10; i++) {
    useAppStore.setState({ params: { ...useAppStore.getState().params, threshold: (i % 100) / 100 } });
    const s = performance.now();
    hash = lessonHash(useAppStore.getState())!;
    hashMs.push(performance.now() - s);
  }
  const applyMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const s = performance.now();
    await applyLesson(decodeHash(hash, LESSON_FIELDS).values, true);
    applyMs.push(performance.now() - s);
  }
  // Slide export: a 4-cell contact sheet of 256-px cells drawn and encoded as PNG.
  const loc = post(first.raw, g.threshold);
  const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(px.rgba), px.width, px.height));
  const cell = {
    title: 'GenPromp',
    note: 'IoU 0.5',
    map: unscoredMap(analysis.frame, loc.frameMap, loc.boxes, 'largest'),
  };
  const sheetMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    const canvas = drawSheet({
      title: 'bench',
      image: bitmap,
      cells: [cell, cell, cell, cell],
      columns: 4,
      colormap: 'viridis',
      opacity: 0.55,
      showGt: true,
      settings: ['a', 'b', 'c', 'd', 'e', 'f'],
    });
    await sheetPng(canvas);
    sheetMs.push(performance.now() - s);
  }

  const result = {
    pack: m.id,
    backend: device.backend,
    device: device.description,
    variants: pack.variants,
    crossOriginIsolated,
    wasmThreads: device.wasmThreads,
    timesteps: g.timesteps,
    minimal,
    stagesMs: {
      load: loadMs,
      loadBreakdown: pack.loadTimings,
      preprocess: analysis.timings.preprocess,
      classifier: analysis.timings.classifier,
      vae: analysis.timings.vae,
      analyzeRoundTrip: analyzeMs,
      textEncoder7Templates: first.timings.textEncoder,
      unetPerTimestep: unetPerT,
      postprocess: stats(postMs),
      firstMap: firstMapMs,
    },
    ...(tfjs ? { tfjsPostprocess: tfjs } : {}),
    ...(gallery ? { galleryBenchmark: gallery } : {}),
    latencyMs: {
      lambdaChange: { ...stats(lambdaMs), unetBatch: minimal ? 1 : g.timesteps.length },
      thresholdChange: stats(thresholdMs),
      classChange: stats(classMs),
      ...baseline,
    },
    ...(lab ? { lab } : {}),
    lessonMs: { stateToHash: stats(hashMs), hashToState: stats(applyMs), hashLength: hash.length, exportSheetPng4Cells: stats(sheetMs) },
  };
  (window as unknown as { __bench: unknown }).__bench = result;
  document.getElementById('out')!.textContent = JSON.stringify(result, null, 2);
}

main().catch((err) => {
  (window as unknown as { __bench: unknown }).__bench = { error: String(err?.stack ?? err) };
  document.getElementById('out')!.textContent = String(err?.stack ?? err);
});
