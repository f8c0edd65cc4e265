import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attentionGroups, divideByMax, groupMap, type AttentionMaps } from '@shared/genpromp/aggregate';
import { genpromp, LAMBDA_GRID } from '@shared/genpromp/method';
import { parseFirstView } from '@shared/firstView';
import { diffusionOf } from '@shared/manifest';
import { localize } from '@shared/genpromp/aggregate';
import { nodeEngine, packUrl, readPng, repoRoot } from '../../../workers/testing/nodeEngine';
import type { LoadedImage } from '../types';
import { decodeGrid, decodeStrip } from './firstView';

const file = parseFirstView(JSON.parse(readFileSync(`${repoRoot}public/first-view.json`, 'utf8')));

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

describe('the precomputed lab views (public/first-view.json)', () => {
  it('decode to the live pipeline’s λ strip and t × resolution grid, within 8-bit rounding', async () => {
    const engine = nodeEngine();
    await engine.init();
    const pack = await engine.loadPack(packUrl('public/models/toyworld'));
    const m = pack.manifest;
    expect(file.pack).toEqual({ id: m.id, createdAt: m.producer.createdAt });
    const pixels = await readPng(`${repoRoot}public/samples/${file.sample.file}`);
    const analysis = await engine.analyzeImage(pixels);
    const d = diffusionOf(m)!;
    const own = genpromp.defaults(m, undefined);
    const image = {
      id: 1,
      name: file.sample.file,
      pixels,
      sample: { file: file.sample.file, label: file.sample.label, boxes: file.sample.boxes },
    };

    // Strip: the live map at each λ against the decoded one (maps in [0, 1] after min-max: 8 bits are within 1/255 of it).
    const strip = decodeStrip(file, image as unknown as LoadedImage)!;
    expect(strip.cells.map((c) => c.lambda)).toEqual([...LAMBDA_GRID]);
    for (const [i, lambda] of LAMBDA_GRID.entries()) {
      const raw = (
        await engine.maps({
          method: 'genpromp',
          imageKey: analysis.imageKey,
          classIndex: file.classIndex,
          params: { lambda, timesteps: own.timesteps },
        })
      ).raw;
      const native = genpromp.aggregate(raw as AttentionMaps, { ...own, lambda }, m);
      const live = localize(native.map, native.size, file.frame, file.threshold, 'largest');
      expect(maxAbsDiff(strip.cells[i]!.frameMap, live.frameMap)).toBeLessThan(2 / 255);
    }

    // Grid: each (timestep, group) cell, resized and divided by its max as the live grid does.
    const grid = decodeGrid(file)!;
    const raw = (
      await engine.maps({
        method: 'genpromp',
        imageKey: analysis.imageKey,
        classIndex: file.classIndex,
        params: { lambda: own.lambda, timesteps: grid.timesteps },
      })
    ).raw as AttentionMaps;
    const groups = attentionGroups(d.unetAttention);
    expect(grid.columns.map((c) => c.key)).toEqual(groups.map((g) => g.key));
    for (const [r, t] of grid.timesteps.entries()) {
      for (const [c, g] of groups.entries()) {
        const live = divideByMax(groupMap(raw, [t], g, d.vae.latentSize)!);
        expect(maxAbsDiff(grid.cells[r]![c]!, live)).toBeLessThan(2 / 255);
      }
    }
  }, 60_000);
});
