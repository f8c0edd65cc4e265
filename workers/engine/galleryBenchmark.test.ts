/**
 * The gallery benchmark's per-image step (src/shared/metrics/galleryBenchmark.ts) on the real
 * engine in Node (toy-world pack, fp32, wasm): every method's curve is the IoU the live box code
 * gives at each τ, GT-known counts the live largest-region boxes, and a cancelled image adds nothing.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImagePixels, PackSummary } from '@shared/api';
import { localize } from '@shared/genpromp/aggregate';
import { cam as camMethod } from '@shared/cam/method';
import { ownParamsFor } from '@shared/methods/registry';
import { iou } from '@shared/metrics';
import { type BenchImage, benchImages, GT_KNOWN_IOU, newTallies, scoreImage, scoresOf } from '@shared/metrics/galleryBenchmark';
import { splitGallery } from '@shared/metrics/protocol';
import { TAU_CURVE_STEP } from '@shared/metrics/tauCurve';
import { scaleGtBox } from '@shared/postprocess';
import { nodeEngine, packUrl, readPng, repoRoot } from '../testing/nodeEngine';

const samples = JSON.parse(readFileSync(`${repoRoot}public/samples/index.json`, 'utf8')).samples;
const bestIou = (boxes: number[][], gt: number[][]) => Math.max(0, ...boxes.flatMap((b) => gt.map((g) => iou(b as never, g as never))));

describe('gallery benchmark, one image at a time (toyworld, Node engine)', () => {
  const engine = nodeEngine();
  let pack: PackSummary;
  let images: BenchImage[];
  const pixels = new Map<string, ImagePixels>();

  beforeAll(async () => {
    await engine.init();
    pack = await engine.loadPack(packUrl('public/models/toyworld'));
    images = benchImages(samples, pack.manifest).slice(0, 3);
    for (const img of images) pixels.set(img.file, await readPng(`${repoRoot}public/samples/${img.file}`));
  }, 120_000);

  it('covers every class of the pack with one gallery image at least', () => {
    const all = benchImages(samples, pack.manifest);
    expect(new Set(all.map((i) => i.classIndex)).size).toBe(pack.manifest.classes.length);
  });

  it('scores each method with the live box code, at the ground-truth class', async () => {
    const own = ownParamsFor(pack.manifest, null);
    const threshold = pack.manifest.defaultThreshold;
    const tallies = newTallies(pack.manifest);
    expect(tallies.map((t) => t.def.id)).toEqual(['genpromp', 'cam', 'lpcam', 'sat', 'gaussian', 'random', 'sobel']);
    const run = { engine, pack, ownOf: (id: keyof typeof own) => own[id] as unknown, threshold };
    for (const img of images) expect(await scoreImage(run, img, pixels.get(img.file)!, tallies)).toBe(true);

    // Re-derive CAM (UI-thread) and check the curve and GT-known against the live code path.
    const cam = tallies.find((t) => t.def.id === 'cam')!;
    let hits = 0;
    for (const [n, img] of images.entries()) {
      const px = pixels.get(img.file)!;
      const analysis = await engine.analyzeImage(px);
      const gt = img.boxes.map((b) => scaleGtBox(b, [px.height, px.width], analysis.frame));
      const native = camMethod.aggregate(
        camMethod.raw({ pack, analysis, image: px, classIndex: img.classIndex, own: own.cam }),
        own.cam,
        pack.manifest,
      );
      for (const tau of [0.1, 0.35, 0.6]) {
        const live = localize(native.map, native.size, analysis.frame, tau, 'all');
        expect(cam.curves[n]![Math.round(tau / TAU_CURVE_STEP)]).toBeCloseTo(bestIou(live.boxes, gt), 12);
      }
      if (bestIou(localize(native.map, native.size, analysis.frame, threshold, 'largest').boxes, gt) >= GT_KNOWN_IOU) hits++;
    }
    expect(cam.gtKnownHits).toBe(hits);
    for (const t of tallies) {
      expect(t.curves).toHaveLength(images.length);
      for (const c of t.curves) expect(c.every((v) => v >= 0 && v <= 1)).toBe(true);
    }

    const scores = scoresOf(tallies, splitGallery(images.map((i) => i.file)), images.length);
    for (const s of scores) {
      expect(s.protocol).not.toBeNull();
      expect(s.protocol!.testAtTestTau).toBeGreaterThanOrEqual(s.protocol!.testAtValidationTau);
      expect(s.gtKnownLoc * images.length).toBeCloseTo(tallies.find((t) => t.def.id === s.method)!.gtKnownHits * 100, 9);
    }
  }, 300_000);

  it('adds nothing for an image cancelled midway', async () => {
    const own = ownParamsFor(pack.manifest, null);
    const tallies = newTallies(pack.manifest);
    let methodsLeft = 2;
    const run = {
      engine,
      pack,
      ownOf: (id: keyof typeof own) => own[id] as unknown,
      threshold: 0.5,
      still: () => methodsLeft > 0,
      between: async () => {
        methodsLeft--;
      },
    };
    expect(await scoreImage(run, images[0]!, pixels.get(images[0]!.file)!, tallies)).toBe(false);
    for (const t of tallies) expect(t.curves).toHaveLength(0);
  }, 120_000);
});
