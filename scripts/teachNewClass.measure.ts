/**
 * The browser's classifier half of teaching, measured on the four animals the pack has never seen
 * (data/toyworld/new, python/scripts/toyworld_build_new_class.py): for each, the app's own path —
 * pooled features of its first 5 train-style composites and the pack's augmented copies
 * (engine.pooledFeatures), a head row trained against the pack's bank in tfjs (Teacher.learnHeadRow)
 * — then, over the 31 classes:
 * - new-class top-1: the share of the animal's held-out composites whose top-1 is the animal
 *   (validation: 20 per animal; test: 20 per animal, the test styles);
 * - stolen: the share of the known classes' images (data/toyworld/{val,test}) whose top-1 becomes it.
 * Settings are the pack's (chosen on validation by python/scripts/teach_new_class_eval.py).
 *
 *     TEACH_JSON=docs/results/teach-new-class-browser.json npx vitest run --config scripts/measure.config.ts teachNewClass
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { ImagePixels, LearnedClass, PooledFeatures } from '@shared/api';
import { learnedLogits } from '@shared/teach/learnedScores';
import { Teacher } from '../workers/teach/teacher';
import { fileFetch, nodeEngine, packUrl, readPng, repoRoot } from '../workers/testing/nodeEngine';

const NEW = ['snail', 'goat', 'dolphin', 'snake'];
const POSITIVES = 5;

interface Image {
  file: string;
  cls: string;
}

async function split(dir: string): Promise<Image[]> {
  const ann = JSON.parse(await readFile(`${dir}/annotations.json`, 'utf8'));
  return ann.images.map((im: Image) => ({ file: `${dir}/${im.file}`, cls: im.cls }));
}

it('teaches the classifier each new animal and scores it on validation and test', async () => {
  const jsonOut = process.env.TEACH_JSON;
  const t0 = performance.now();
  const engine = nodeEngine();
  await engine.init();
  const baseUrl = packUrl('public/models/toyworld');
  const pack = await engine.loadPack(baseUrl);
  const m = pack.manifest;
  const classes = m.classes.map((c) => c.name);
  const teacher = new Teacher({
    fetch: fileFetch,
    openCache: async () => null,
    startBackend: async () => {
      setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
      await tf.setBackend('wasm');
    },
  });
  const data = `${repoRoot}data/toyworld`;
  /** Pooled features and logits of images, 32 at a time (no augmentation). */
  const features = async (images: Image[]): Promise<PooledFeatures> => {
    const parts: PooledFeatures[] = [];
    for (let i = 0; i < images.length; i += 32) {
      const px: ImagePixels[] = await Promise.all(images.slice(i, i + 32).map((im) => readPng(im.file)));
      parts.push(await engine.pooledFeatures(px, 0, 0));
    }
    const dim = parts[0]!.dim;
    const cat = (k: 'features' | 'logits') => Float32Array.from(parts.flatMap((p) => [...p[k]]));
    return { features: cat('features'), logits: cat('logits'), count: images.length, dim };
  };
  const C = classes.length;
  const top1 = (f: PooledFeatures, i: number, learned: LearnedClass): number => {
    const z = [...f.logits.subarray(i * C, (i + 1) * C), ...learnedLogits(f.features.subarray(i * f.dim, (i + 1) * f.dim), [learned])];
    return z.indexOf(Math.max(...z));
  };
  const known: Record<string, { images: Image[]; f: PooledFeatures }> = {};
  const novel: Record<string, { images: Image[]; f: PooledFeatures }> = {};
  for (const s of ['val', 'test']) {
    const k = await split(`${data}/${s}`);
    known[s] = { images: k, f: await features(k) };
    const n = (await split(`${data}/new/${s}`)).filter((im) => NEW.includes(im.cls));
    novel[s] = { images: n, f: await features(n) };
    console.log(`${s}: ${k.length} known-class and ${n.length} new-animal images (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const knownTop1 = (s: string) => {
    const { images, f } = known[s]!;
    return images.filter((im, i) => classes[argmax(f.logits.subarray(i * C, (i + 1) * C))] === im.cls).length / images.length;
  };
  // TEACH_CALIBRATE=q (an experiment, off by default): lower the new row's bias until at most a share q
  // of the pack's bank of negatives would have the new class as their top-1.
  const calibrate = Number(process.env.TEACH_CALIBRATE ?? 0);
  const hr = m.teach!.headRow!;
  const D = hr.negatives.shape[1]!;
  const W = pack.arrays[m.baselines!.cam.head.path]!;
  // Each bank vector's best pack-class logit: read and scored only when the experiment is on.
  const bank = calibrate
    ? new Float32Array((await readFile(`${repoRoot}public/models/toyworld/${hr.negatives.path}`)).buffer.slice(0))
    : null;
  const bankMax = bank
    ? hr.negativeLabels.map((_, i) => {
        let best = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < C; c++) {
          let z = hr.bias[c]!;
          for (let k = 0; k < D; k++) z += W[c * D + k]! * bank[i * D + k]!;
          best = Math.max(best, z);
        }
        return best;
      })
    : [];
  const calibratedBias = (r: Float32Array, bias: number, q: number): number => {
    const margins = bankMax
      .map((best, i) => {
        let z = bias;
        for (let k = 0; k < D; k++) z += r[k]! * bank![i * D + k]!;
        return z - best;
      })
      .sort((a, b) => b - a);
    const k = Math.floor(q * margins.length); // margins[k] is the (k+1)-th largest: at most k stay above 0
    return margins[k]! > 0 ? bias - margins[k]! - 1e-4 : bias;
  };
  const train = await split(`${data}/new/train`);
  const perAnimal: Record<string, unknown> = {};
  const sums = { val: { found: 0, stolen: 0 }, test: { found: 0, stolen: 0 } };
  for (const animal of NEW) {
    const mine = train.filter((im) => im.cls === animal).slice(0, POSITIVES);
    const px = await Promise.all(mine.map((im) => readPng(im.file)));
    const tRow = performance.now();
    const positives = await engine.pooledFeatures(px, m.teach!.headRow!.augmentCopies, 0);
    const row = await teacher.learnHeadRow({ baseUrl, manifest: m, positives });
    const seconds = (performance.now() - tRow) / 1000;
    const learned: LearnedClass = {
      id: animal,
      index: C,
      name: animal,
      word: 'animal',
      conceptRow: new Float32Array(0),
      head: { row: row.row, bias: calibrate ? calibratedBias(row.row, row.bias, calibrate) : row.bias },
    };
    const scores: Record<string, { newTop1: number; images: number; stolen: number }> = {};
    for (const s of ['val', 'test'] as const) {
      const n = novel[s]!;
      const idx = n.images.flatMap((im, i) => (im.cls === animal ? [i] : []));
      const found = idx.filter((i) => top1(n.f, i, learned) === C).length / idx.length;
      const k = known[s]!;
      const stolen = k.images.filter((_, i) => top1(k.f, i, learned) === C).length / k.images.length;
      scores[s] = { newTop1: pct(found), images: idx.length, stolen: pct(stolen) };
      sums[s].found += found / NEW.length;
      sums[s].stolen += stolen / NEW.length;
    }
    perAnimal[animal] = { ...scores, secondsToTeach: Number(seconds.toFixed(2)), positives: positives.count };
    console.log(
      `${animal}: val ${scores.val!.newTop1} % (stolen ${scores.val!.stolen} %), test ${scores.test!.newTop1} % (stolen ${scores.test!.stolen} %); taught in ${seconds.toFixed(1)} s`,
    );
  }
  const result = {
    pack: m.id,
    settings: m.teach!.headRow && { ...m.teach!.headRow, negatives: undefined, negativeLabels: undefined, bias: undefined },
    positivesPerAnimal: POSITIVES,
    calibrate: calibrate || null,
    knownTop1Before: { val: pct(knownTop1('val')), test: pct(knownTop1('test')) },
    mean: {
      val: { newTop1: pct(sums.val.found), stolen: pct(sums.val.stolen) },
      test: { newTop1: pct(sums.test.found), stolen: pct(sums.test.stolen) },
    },
    perAnimal,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(0)),
  };
  console.log(
    `mean: val ${result.mean.val.newTop1} % (stolen ${result.mean.val.stolen} %), test ${result.mean.test.newTop1} % (stolen ${result.mean.test.stolen} %)`,
  );
  if (jsonOut) await writeFile(jsonOut, `${JSON.stringify(result, null, 1)}\n`);
});

const pct = (x: number) => Number((100 * x).toFixed(2));
const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
};
