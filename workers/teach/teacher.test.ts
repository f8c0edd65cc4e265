/**
 * Teaching's worker side on the toy pack in Node: the engine's VAE posteriors of three sample
 * images, then textual inversion through tfjs (wasm), with progress, cancel and bad input.
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PackSummary, Posteriors } from '@shared/api';
import { fileFetch, nodeEngine, packUrl, readPng, repoRoot } from '../testing/nodeEngine';
import type { TeachProgress } from '@shared/teach/api';
import { Teacher } from './teacher';

const startWasm = async () => {
  setWasmPaths(fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  await tf.setBackend('wasm');
};
const baseUrl = packUrl('public/models/toyworld');
let pack: PackSummary;
let posteriors: Posteriors;
const teacher = new Teacher({ fetch: fileFetch, openCache: async () => null, startBackend: startWasm });

beforeAll(async () => {
  const engine = nodeEngine();
  pack = await engine.loadPack(baseUrl);
  const images = await Promise.all(['dog', 'cat', 'horse'].map((n) => readPng(`${repoRoot}public/samples/${n}.png`)));
  posteriors = await engine.posteriors(images);
});

describe('Teacher (textual inversion in the worker)', () => {
  it('encodes each image to a posterior of the pack’s latent shape', () => {
    expect(posteriors.shape).toEqual([3, 4, 32, 32]);
    expect(posteriors.mean.length).toBe(3 * 4 * 32 * 32);
    expect(posteriors.logvar.every(Number.isFinite)).toBe(true);
  });

  it('learns a row from the starting word, reporting download, preparation and each step', async () => {
    const events: TeachProgress[] = [];
    const r = await teacher.learnConcept({ baseUrl, manifest: pack.manifest, posteriors, word: 'Animal', steps: 2 }, (p) => events.push(p));
    expect(r.word).toBe('animal');
    expect(r.backend).toBe('wasm');
    expect(r.losses).toHaveLength(2);
    expect(r.cancelled).toBe(false);
    expect(r.row).toHaveLength(64);
    const phases = events.map((e) => e.phase);
    expect(phases.indexOf('download')).toBeLessThan(phases.indexOf('prepare'));
    const steps = events.filter((e) => e.phase === 'train');
    expect(steps.map((e) => e.done)).toEqual([1, 2]);
    expect(steps.every((e) => e.total === 2 && Number.isFinite(e.loss) && (e.etaSeconds ?? -1) >= 0)).toBe(true);
    expect(steps.at(-1)!.etaSeconds).toBe(0);
  });

  it('stops after the current step when cancelled, keeping what it learned (and no tensor behind)', async () => {
    const tensorsBefore = tf.memory().numTensors; // the prepared graphs' weights stay for the next teach
    const r = await teacher.learnConcept({ baseUrl, manifest: pack.manifest, posteriors, word: 'animal', steps: 5 }, (p) => {
      if (p.phase === 'train' && p.done === 1) teacher.cancel();
    });
    expect(r.cancelled).toBe(true);
    expect(r.losses).toHaveLength(1);
    expect(r.row).toHaveLength(64);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('refuses a word outside the vocabulary, and too few images, saying what to do', async () => {
    await expect(teacher.learnConcept({ baseUrl, manifest: pack.manifest, posteriors, word: 'snail', steps: 1 })).rejects.toThrow(
      /"snail" is not one word of the pack's vocabulary; start from a word it knows, such as dog/,
    );
    const two: Posteriors = { ...posteriors, shape: [2, 4, 32, 32] };
    await expect(teacher.learnConcept({ baseUrl, manifest: pack.manifest, posteriors: two, word: 'animal' })).rejects.toThrow(
      /Teaching takes 3–10 images; 2 were given/,
    );
  });
});
