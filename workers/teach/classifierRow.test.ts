/**
 * Teaching the classifier (toy pack, Node): the engine pools the classifier's features of the
 * dropped images and their augmented copies, the teach worker trains the new head row against the
 * pack's bank (tfjs wasm), and the row then scores the class like the head scores the pack's own.
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageAnalysis, ImagePixels, PackSummary } from '@shared/api';
import { softmax } from '@shared/image/preprocess';
import type { TeachProgress } from '@shared/teach/api';
import { learnedLogits, poolFeatures, topKWithLearned } from '@shared/teach/learnedScores';
import type { Engine } from '../engine/engine';
import { fileFetch, nodeEngine, packUrl, readPng, repoRoot } from '../testing/nodeEngine';
import { Teacher } from './teacher';

const baseUrl = packUrl('public/models/toyworld');
const startWasm = async () => {
  setWasmPaths(fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  await tf.setBackend('wasm');
};
let engine: Engine;
let pack: PackSummary;
let images: ImagePixels[];
let analyses: ImageAnalysis[];

beforeAll(async () => {
  engine = nodeEngine();
  pack = await engine.loadPack(baseUrl);
  images = await Promise.all(['dog', 'cat', 'horse'].map((n) => readPng(`${repoRoot}public/samples/${n}.png`)));
  analyses = [];
  for (const im of images) analyses.push(await engine.analyzeImage(im));
});

describe('a new row of the classifier head', () => {
  it('the pack ships a bank of negatives and the head bias, and its head reads the pooled features', () => {
    const hr = pack.manifest.teach!.headRow!;
    const [classes, dim] = pack.manifest.baselines!.cam.head.shape as [number, number];
    expect(hr.negatives.shape).toEqual([hr.negativeLabels.length, dim]);
    expect(new Set(hr.negativeLabels).size).toBe(classes); // every known class is a negative
    expect(hr.bias).toHaveLength(classes);
    // logits = W · mean(features) + b: what lets a learned row's logit stand beside the pack's.
    const W = pack.arrays[pack.manifest.baselines!.cam.head.path]!;
    for (const a of analyses) {
      const pooled = poolFeatures(a.features!);
      for (let c = 0; c < classes; c++) {
        let z = hr.bias[c]!;
        for (let k = 0; k < dim; k++) z += W[c * dim + k]! * pooled[k]!;
        expect(Math.abs(z - a.logits[c]!)).toBeLessThan(2e-2); // the int8 classifier against its fp32 head
      }
    }
  });

  it('pools the images first, then each one’s augmented copies (seeded)', async () => {
    const seen: Array<[number, number]> = [];
    const f = await engine.pooledFeatures(images, 2, 0, (done, total) => seen.push([done, total]));
    expect([f.count, f.dim]).toEqual([9, 1280]);
    for (const [i, a] of analyses.entries()) {
      const expected = poolFeatures(a.features!);
      const got = f.features.subarray(i * f.dim, (i + 1) * f.dim);
      expect(Math.max(...got.map((v, k) => Math.abs(v - expected[k]!)))).toBeLessThan(1e-5);
      const z = f.logits.subarray(i * 30, (i + 1) * 30);
      expect(Math.max(...z.map((v, c) => Math.abs(v - a.logits[c]!)))).toBeLessThan(1e-4); // batched vs single runs
    }
    expect(seen.at(-1)).toEqual([9, 9]);
    const again = await engine.pooledFeatures(images, 2, 0);
    expect(again.features).toEqual(f.features);
    const other = await engine.pooledFeatures(images, 2, 1);
    expect(other.features.subarray(3 * f.dim)).not.toEqual(f.features.subarray(3 * f.dim));
  });

  it('trains the row against the bank; the taught images then rank the new class first', async () => {
    const teacher = new Teacher({ fetch: fileFetch, openCache: async () => null, startBackend: startWasm });
    // Three dogs' worth of positives: the dog sample and copies of it.
    const positives = await engine.pooledFeatures([images[0]!], 8, 0);
    const events: TeachProgress[] = [];
    const r = await teacher.learnHeadRow({ baseUrl, manifest: pack.manifest, positives }, (p) => events.push(p));
    const steps = pack.manifest.teach!.headRow!.steps;
    expect(r.losses).toHaveLength(steps);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]!);
    expect(events.filter((e) => e.phase === 'classifier').map((e) => e.done)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    const learned = [
      { id: 'x', index: 30, name: 'my dog', word: 'dog', conceptRow: new Float32Array(64), head: { row: r.row, bias: r.bias } },
    ];
    const a = analyses[0]!;
    const extra = learnedLogits(poolFeatures(a.features!), learned);
    const top = topKWithLearned(pack.manifest.classes, a.logits, extra, learned);
    expect(top[0]).toMatchObject({ index: 30, name: 'my dog', learned: true });
    // The probabilities are one softmax over the 31 logits.
    const p = softmax(Float32Array.from([...a.logits, ...extra]));
    expect(top[0]!.probability).toBeCloseTo(p[30]!, 6);
    expect(top.map((t) => t.index)).toEqual([...p.keys()].sort((x, y) => p[y]! - p[x]!).slice(0, 5));
  });

  it('refuses features of the wrong length, naming both', async () => {
    const teacher = new Teacher({ fetch: fileFetch, openCache: async () => null, startBackend: startWasm });
    const positives = { features: new Float32Array(10), logits: new Float32Array(30), count: 1, dim: 10 };
    await expect(teacher.learnHeadRow({ baseUrl, manifest: pack.manifest, positives })).rejects.toThrow(
      /have 10 values, the head reads 1280/,
    );
  });
});
