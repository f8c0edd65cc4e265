/**
 * Parity: CAM, LPCAM and SAT in TypeScript (features and SAT masks from the shared
 * analysis on real ORT wasm sessions of the toy-world pack, fp32; maps through the
 * methods' registry entries, as the app derives them) against
 * the Python reference (python/scripts/write_baselines_golden.py). Tolerance 1e-4.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackSummary } from '@shared/api';
import { cam as camMethod } from '@shared/cam/method';
import { lpcam as lpcamMethod } from '@shared/lpcam/method';
import { sat as satMethod, type SatImageData } from '@shared/sat/method';
import { localize } from '@shared/genpromp/aggregate';
import { nodeEngine, packUrl, readPng, repoRoot } from '../../testing/nodeEngine';

interface Golden {
  pack: string;
  threshold: number;
  cases: Array<{
    image: string;
    classes: Array<{
      classIndex: number;
      cam: number[];
      lpcam: number[];
      lpcamNoContext: number[];
      boxes: { cam: number[][]; lpcam: number[][] };
    }>;
    sat: { blockMaps: number[]; mean: number[]; box: number[][]; top5: Array<{ index: number; probability: number }> };
  }>;
}

const golden: Golden = JSON.parse(readFileSync(`${repoRoot}fixtures/golden/baselines-toyworld.json`, 'utf8'));
const TOL = 1e-4;
const worst: Record<string, number> = { cam: 0, lpcam: 0, lpcamNoContext: 0, sat: 0 };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, kind: string): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  worst[kind] = Math.max(worst[kind]!, m);
  return m;
}

describe(`baselines parity with the Python reference (${golden.pack} pack, fp32, wasm)`, () => {
  const engine = nodeEngine();
  let pack: PackSummary;

  beforeAll(async () => {
    await engine.init();
    pack = await engine.loadPack(packUrl(`public/models/${golden.pack}`));
  });

  afterAll(() => {
    console.info(
      `baselines parity: max |TS − Python| ${Object.entries(worst)
        .map(([k, v]) => `${k} ${v.toExponential(2)}`)
        .join(', ')} (tolerance ${TOL})`,
    );
  });

  it('the pack carries all three baselines', () => {
    const b = pack.manifest.baselines;
    expect(b?.lpcam).toBeTruthy();
    expect(b?.sat).toBeTruthy();
    expect(pack.arrays[b!.cam.head.path]?.length).toBe(b!.cam.head.shape[0]! * b!.cam.head.shape[1]!);
    expect(pack.arrays[b!.lpcam!.prototypes.path]?.length).toBe(b!.lpcam!.prototypes.shape[0]! * b!.lpcam!.prototypes.shape[1]!);
  });

  for (const c of golden.cases) {
    it(`${c.image}: CAM, LPCAM (with and without context) and SAT maps and boxes match`, async () => {
      const px = await readPng(`${repoRoot}${c.image}`);
      const a = await engine.analyzeImage(px);
      const frame = pack.manifest.preprocess.size;
      for (const k of c.classes) {
        const label = `class ${k.classIndex}`;
        const at = { pack, analysis: a, image: px, classIndex: k.classIndex };
        const cam = camMethod.raw({ ...at, own: {} });
        expect(maxAbsDiff(cam.map, k.cam, 'cam'), `CAM ${label}`).toBeLessThan(TOL);
        const lp = lpcamMethod.raw({ ...at, own: { context: true } });
        expect(maxAbsDiff(lp.map, k.lpcam, 'lpcam'), `LPCAM ${label}`).toBeLessThan(TOL);
        const lp0 = lpcamMethod.raw({ ...at, own: { context: false } });
        expect(maxAbsDiff(lp0.map, k.lpcamNoContext, 'lpcamNoContext'), `LPCAM no context ${label}`).toBeLessThan(TOL);
        expect(localize(cam.map, cam.size, frame, golden.threshold, 'largest').boxes, `CAM box ${label}`).toEqual(k.boxes.cam);
        expect(localize(lp.map, lp.size, frame, golden.threshold, 'largest').boxes, `LPCAM box ${label}`).toEqual(k.boxes.lpcam);
      }
      const request = satMethod.request(undefined, { block: 'mean' });
      const sat = (await engine.maps({ method: 'sat', imageKey: a.imageKey, classIndex: 0, params: request })).raw as SatImageData;
      expect(maxAbsDiff(sat.blockMaps.data, c.sat.blockMaps, 'sat')).toBeLessThan(TOL);
      const mean = satMethod.aggregate(satMethod.merge(undefined, sat), { block: 'mean' }, pack.manifest);
      expect(maxAbsDiff(mean.map, c.sat.mean, 'sat')).toBeLessThan(TOL);
      expect(localize(mean.map, mean.size, frame, golden.threshold, 'largest').boxes).toEqual(c.sat.box);
      expect(sat.topK.map((x) => x.index)).toEqual(c.sat.top5.map((x) => x.index));
    });
  }
});
