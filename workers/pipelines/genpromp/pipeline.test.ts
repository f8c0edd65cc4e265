/**
 * Parity: the TypeScript GenPromp pipeline (real ORT wasm sessions on the
 * committed packs, fp32 variants) against the Python reference's goldens
 * (python/scripts/write_pipeline_golden.py): the random-weight fixture pack and the
 * trained toy-world pack on held-out test images. Tolerance 1e-4.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateAttention, localize, type AttentionMaps } from '@shared/genpromp/aggregate';
import { LAMBDA_GRID, genprompMapsRequest } from '@shared/genpromp/method';
import { resizeForModel } from '@shared/image/preprocess';
import { type DiffusionManifest, diffusionOf } from '@shared/manifest';
import { nodeEngine, packUrl, readPng, repoRoot } from '../../testing/nodeEngine';

interface Aggregate {
  timesteps: number[];
  resolutions: number[];
  map: number[];
  boxesLargest: number[][];
  boxesAll: number[][];
  boxesLargestTau50: number[][];
}
interface Golden {
  pack: string;
  timesteps: number[];
  cases: Array<{
    image: string;
    resizedSha256: string;
    top5: Array<{ index: number; probability: number }>;
    runs: Array<{ lambda: number; classIndex: number; aggregates: Aggregate[]; maps?: Record<string, Record<string, number[]>> }>;
  }>;
}

const goldens: Golden[] = ['genpromp-fixture.json', 'genpromp-toyworld.json'].map((f) =>
  JSON.parse(readFileSync(`${repoRoot}fixtures/golden/${f}`, 'utf8')),
);
const golden = goldens[0]!;
const TOL = 1e-4;
/** Largest differences seen, printed after the suite for the record. */
const worst = { rawMaps: 0, aggregatedMaps: 0 };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, kind?: keyof typeof worst): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  if (kind) worst[kind] = Math.max(worst[kind], m);
  return m;
}

for (const g of goldens) {
  describe(`GenPromp pipeline parity with the Python reference (${g.pack} pack, fp32, wasm)`, () => {
    const engine = nodeEngine();
    let manifest: DiffusionManifest;

    afterAll(() => {
      console.info(
        `parity ${g.pack}: max |TS − Python| raw maps ${worst.rawMaps.toExponential(2)}, aggregated maps ${worst.aggregatedMaps.toExponential(2)} (tolerance ${TOL})`,
      );
    });

    beforeAll(async () => {
      worst.rawMaps = 0;
      worst.aggregatedMaps = 0;
      await engine.init();
      manifest = diffusionOf((await engine.loadPack(packUrl(`public/models/${g.pack}`))).manifest)!;
    });

    for (const c of g.cases) {
      describe(c.image, () => {
        it('resizes exactly like PIL and classifies like PyTorch', async () => {
          const px = await readPng(`${repoRoot}${c.image}`);
          const rgb = resizeForModel(px.rgba, px.width, px.height, manifest.preprocess.alphaBackground, manifest.preprocess.size);
          expect(createHash('sha256').update(rgb).digest('hex')).toBe(c.resizedSha256);
          const analysis = await engine.analyzeImage(px);
          expect(analysis.topK.map((k) => k.index)).toEqual(c.top5.map((k) => k.index));
          expect(
            maxAbsDiff(
              analysis.topK.map((k) => k.probability),
              c.top5.map((k) => k.probability),
            ),
          ).toBeLessThan(1e-5);
        });

        for (const run of c.runs) {
          it(`λ=${run.lambda}: raw maps, aggregated maps and boxes match`, async () => {
            const px = await readPng(`${repoRoot}${c.image}`);
            const { imageKey } = await engine.analyzeImage(px);
            const res = await engine.maps(genprompMapsRequest(imageKey, run.classIndex, { lambda: run.lambda, timesteps: g.timesteps }));
            if (run.maps) {
              for (const [t, layers] of Object.entries(run.maps)) {
                for (const [name, values] of Object.entries(layers)) {
                  expect(maxAbsDiff((res.raw as AttentionMaps)[Number(t)]![name]!, values, 'rawMaps'), `t=${t} ${name}`).toBeLessThan(TOL);
                }
              }
            }
            for (const agg of run.aggregates) {
              const map = aggregateAttention(res.raw as AttentionMaps, {
                timesteps: agg.timesteps,
                resolutions: agg.resolutions,
                outputs: manifest.unetAttention,
                latentSize: manifest.vae.latentSize,
              });
              expect(map).not.toBeNull();
              const label = `t=${agg.timesteps} res=${agg.resolutions}`;
              expect(maxAbsDiff(map!, agg.map, 'aggregatedMaps'), label).toBeLessThan(TOL);
              const frame = manifest.preprocess.size;
              expect(localize(map!, manifest.vae.latentSize, frame, manifest.genpromp.threshold, 'largest').boxes, label).toEqual(
                agg.boxesLargest,
              );
              expect(localize(map!, manifest.vae.latentSize, frame, manifest.genpromp.threshold, 'all').boxes.sort(), label).toEqual(
                agg.boxesAll.sort(),
              );
              expect(localize(map!, manifest.vae.latentSize, frame, 0.5, 'largest').boxes, label).toEqual(agg.boxesLargestTau50);
            }
          });
        }
      });
    }
  });
}

describe('GenPromp pipeline caching (fixture pack)', () => {
  const engine = nodeEngine();

  beforeAll(async () => {
    await engine.init();
    await engine.loadPack(packUrl('public/models/fixture-tiny'));
  });

  it('serves repeated timesteps from cache and λ changes without re-running the text encoder', async () => {
    const px = await readPng(`${repoRoot}${golden.cases[0]!.image}`);
    const { imageKey } = await engine.analyzeImage(px);
    const first = await engine.maps(genprompMapsRequest(imageKey, 1, { lambda: 0.3, timesteps: [0, 99] }));
    expect(Object.keys(first.timings.unetPerTimestep ?? {})).toEqual(['0', '99']); // both ran
    const again = await engine.maps(genprompMapsRequest(imageKey, 1, { lambda: 0.3, timesteps: [0, 99, 199] }));
    expect(Object.keys(again.timings.unetPerTimestep ?? {})).toEqual(['199']); // 0 and 99 came from the cache
    expect(Object.keys(again.timings.unetPerTimestep ?? {})).toEqual(['199']);
    const lambdaMoved = await engine.maps(genprompMapsRequest(imageKey, 1, { lambda: 0.35, timesteps: [0] }));
    expect(lambdaMoved.timings.textEncoder).toBe(0); // f_d, f_r cached per class
    expect(
      maxAbsDiff((lambdaMoved.raw as AttentionMaps)[0]!.attn_mid_0_0!, (first.raw as AttentionMaps)[0]!.attn_mid_0_0!),
    ).toBeGreaterThan(0);
  });

  it('runs the λ strip as one batched UNet call and returns the same maps as λ-by-λ requests', async () => {
    const px = await readPng(`${repoRoot}${golden.cases[0]!.image}`);
    const { imageKey } = await engine.analyzeImage(px);
    const lambdas = LAMBDA_GRID.filter((l) => l !== 0.5);
    const strip = await engine.maps(genprompMapsRequest(imageKey, 3, { lambda: 0.5, timesteps: [0, 99], lambdas }));
    // 11 λ × 2 timesteps fit one run of the fixture pack's small UNet (budgets.ts).
    expect(strip.timings.unetRuns).toBe(1);
    expect(strip.timings.unetBatch).toBe(22);
    expect(strip.alsoComputed?.map((a) => a.own.lambda)).toEqual(lambdas);
    // Every (λ, t) is now cached: asking again runs nothing.
    const again = await engine.maps(genprompMapsRequest(imageKey, 3, { lambda: 0.5, timesteps: [0, 99], lambdas }));
    expect(again.timings.unetRuns).toBeUndefined();
    // Batched maps equal a fresh λ-by-λ run (another class would hit the cache: compare on a fresh image key instead).
    const single = nodeEngine();
    await single.init();
    await single.loadPack(packUrl('public/models/fixture-tiny'));
    const fresh = await single.analyzeImage(px);
    for (const probe of [0.5, 0.2, 1]) {
      const one = await single.maps(genprompMapsRequest(fresh.imageKey, 3, { lambda: probe, timesteps: [0, 99] }));
      const batched = probe === 0.5 ? strip.raw : strip.alsoComputed!.find((a) => a.own.lambda === probe)!.raw;
      for (const t of [0, 99]) {
        for (const [name, values] of Object.entries((one.raw as AttentionMaps)[t]!)) {
          expect(maxAbsDiff((batched as AttentionMaps)[t]![name]!, values), `λ=${probe} t=${t} ${name}`).toBeLessThan(TOL);
        }
      }
    }
  });

  it('rejects maps requests the engine cannot serve with a named error', async () => {
    const px = await readPng(`${repoRoot}${golden.cases[0]!.image}`);
    const { imageKey } = await engine.analyzeImage(px);
    // CAM has no worker side: its maps come from the analysis on the UI thread.
    await expect(engine.maps({ method: 'cam', imageKey, classIndex: 0, params: {} })).rejects.toMatchObject({ name: 'InvalidInput' });
    // Parameters cross the worker boundary and are checked there.
    await expect(engine.maps(genprompMapsRequest(imageKey, 0, { lambda: 2, timesteps: [0] }))).rejects.toThrow(/λ must be within/);
    await expect(engine.maps(genprompMapsRequest(imageKey, 0, { lambda: 0.5, timesteps: [5000] }))).rejects.toThrow(/Timestep 5000/);
    await expect(engine.maps(genprompMapsRequest('no-such-image', 0, { lambda: 0.5, timesteps: [0] }))).rejects.toThrow(/no longer cached/);
  });

  it('drops a queued request that a newer one superseded', async () => {
    const px = await readPng(`${repoRoot}${golden.cases[0]!.image}`);
    const { imageKey } = await engine.analyzeImage(px);
    const older = engine.maps(genprompMapsRequest(imageKey, 2, { lambda: 0.1, timesteps: [0, 99] }));
    const newer = engine.maps(genprompMapsRequest(imageKey, 2, { lambda: 0.2, timesteps: [0, 99] }));
    await expect(older).rejects.toMatchObject({ name: 'AbortError' });
    await expect(newer).resolves.toMatchObject({ request: { params: { lambda: 0.2 } } });
  });
});
