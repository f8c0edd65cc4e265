/**
 * A class taught in this browser, in the engine's GenPromp maps (toy pack, Node): conditioned on its
 * starting word and its learned row in the word's place, as its inversion trained it.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LearnedClass, PackSummary } from '@shared/api';
import { genprompMapsRequest } from '@shared/genpromp/method';
import type { Engine } from '../engine/engine';
import { nodeEngine, packUrl, readPng, repoRoot } from '../testing/nodeEngine';

let engine: Engine;
let pack: PackSummary;
let imageKey: string;
const rows = new Float32Array(readFileSync(`${repoRoot}public/models/toyworld/concepts.f32`).buffer.slice(0));
const params = { lambda: 1, timesteps: [0, 99] };

beforeAll(async () => {
  engine = nodeEngine();
  pack = await engine.loadPack(packUrl('public/models/toyworld'));
  imageKey = (await engine.analyzeImage(await readPng(`${repoRoot}public/samples/dog.png`))).imageKey;
});

const E = 64;
const row = (name: string) => {
  const i = pack.manifest.classes.findIndex((c) => c.name === name);
  return rows.slice(i * E, (i + 1) * E);
};
const learned = (over: Partial<LearnedClass> = {}): LearnedClass => ({
  id: 'test',
  head: null,
  index: pack.manifest.classes.length,
  name: 'my dog',
  word: 'dog',
  conceptRow: row('dog'),
  ...over,
});
const raw = async (classIndex: number) => (await engine.maps(genprompMapsRequest(imageKey, classIndex, params))).raw;

describe('learned classes in GenPromp', () => {
  it("a learned class with a pack class's word and concept row gives that class's maps exactly", async () => {
    await engine.setLearnedClasses([learned()]);
    const dog = pack.manifest.classes.findIndex((c) => c.name === 'dog');
    expect(await raw(pack.manifest.classes.length)).toEqual(await raw(dog));
  });

  it('its maps follow its row, and a new row replaces the cached ones', async () => {
    const before = await raw(pack.manifest.classes.length);
    await engine.setLearnedClasses([learned({ conceptRow: row('airplane') })]);
    expect(await raw(pack.manifest.classes.length)).not.toEqual(before);
  });

  it('refuses a class it cannot use, naming why, and keeps the classes set before', async () => {
    const next = pack.manifest.classes.length;
    await engine.setLearnedClasses([learned()]);
    const kept = await raw(next);
    await expect(engine.setLearnedClasses([learned({ index: next + 1 })])).rejects.toThrow(/the next free index is 30/);
    await expect(engine.setLearnedClasses([learned({ conceptRow: new Float32Array(3) })])).rejects.toThrow(/3-value row; .* 64/);
    await expect(engine.setLearnedClasses([learned({ word: 'snail' })])).rejects.toThrow(/"snail" is not one token/);
    expect(await raw(next)).toEqual(kept);
    await expect(raw(next + 1)).rejects.toThrow(/Class 31 does not exist in pack toyworld \(it has 30 classes and 1 learned here\)/);
  });
});
