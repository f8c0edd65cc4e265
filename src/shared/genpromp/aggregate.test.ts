/**
 * The t × resolution grid re-averages exactly: the mean of its (timestep, group) cells, before
 * the final max division, divided by its max, is aggregateAttention's map for any ticked subset
 * of rows and columns. Float32 sums in another order differ in the last bits: tolerance 1e-6.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random/map';
import type { AttentionOutput } from '../manifest';
import { aggregateAttention, attentionGroups, divideByMax, groupMap, type AttentionMaps } from './aggregate';

// The toy pack's layout: 32 down, 16 down, 8 mid, 16 up (two layers), 32 up (two layers).
const OUTPUTS: AttentionOutput[] = [
  ['attn_down_0_0', 32, 'down', 0, 0],
  ['attn_down_1_0', 16, 'down', 1, 0],
  ['attn_mid_0_0', 8, 'mid', 0, 0],
  ['attn_up_1_0', 16, 'up', 1, 0],
  ['attn_up_1_1', 16, 'up', 1, 1],
  ['attn_up_2_0', 32, 'up', 2, 0],
  ['attn_up_2_1', 32, 'up', 2, 1],
].map(([output, resolution, block, blockIndex, layer]) => ({
  output: output as string,
  resolution: resolution as number,
  block: block as AttentionOutput['block'],
  blockIndex: blockIndex as number,
  layer: layer as number,
  heads: 4,
}));
const TIMESTEPS = [0, 10, 50, 99, 199];
const LATENT: [number, number] = [32, 32];

function randomMaps(seed: number): AttentionMaps {
  const rnd = mulberry32(seed);
  const maps: AttentionMaps = {};
  for (const t of TIMESTEPS) {
    maps[t] = {};
    for (const o of OUTPUTS) maps[t]![o.output] = Float32Array.from({ length: o.resolution ** 2 }, () => rnd());
  }
  return maps;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('attentionGroups', () => {
  it('lists one group per (resolution, block) in manifest order, with its layers', () => {
    const groups = attentionGroups(OUTPUTS);
    expect(groups.map((g) => g.key)).toEqual(['32:down', '16:down', '8:mid', '16:up', '32:up']);
    expect(groups.map((g) => g.layers.length)).toEqual([1, 1, 1, 2, 2]);
  });
});

describe('the t × resolution grid re-averages exactly', () => {
  const maps = randomMaps(7);
  const groups = attentionGroups(OUTPUTS);
  // Subsets of rows × columns, including ones that split a resolution (16 down without 16 up).
  const subsets: Array<{ rows: number[]; cols: string[] }> = [
    { rows: [0, 99], cols: ['16:down', '8:mid', '16:up'] },
    { rows: [50], cols: ['16:down'] },
    { rows: [0, 10, 50, 99, 199], cols: ['32:down', '32:up'] },
    { rows: [10, 199], cols: ['8:mid', '16:up', '32:up'] },
  ];
  for (const { rows, cols } of subsets) {
    it(`rows [${rows}] × columns [${cols}]`, () => {
      const chosen = groups.filter((g) => cols.includes(g.key));
      // The grid's cells, un-normalised: one group at one timestep.
      const mean = new Float32Array(LATENT[0] * LATENT[1]);
      for (const g of chosen) {
        const perGroup = new Float32Array(mean.length);
        for (const t of rows) {
          const cell = groupMap(maps, [t], g, LATENT)!;
          for (let i = 0; i < mean.length; i++) perGroup[i] = perGroup[i]! + cell[i]! / rows.length;
        }
        for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! + perGroup[i]! / chosen.length;
      }
      const resolutions = [...new Set(chosen.map((g) => g.resolution))];
      const direct = aggregateAttention(maps, { timesteps: rows, resolutions, groups: cols, outputs: OUTPUTS, latentSize: LATENT });
      expect(direct).not.toBeNull();
      expect(maxAbsDiff(divideByMax(mean), direct!)).toBeLessThan(1e-6);
    });
  }

  it('groups narrow the resolutions: 16 down alone differs from 16 down and up', () => {
    const opts = { timesteps: [0], resolutions: [16], outputs: OUTPUTS, latentSize: LATENT };
    const both = aggregateAttention(maps, opts)!;
    const downOnly = aggregateAttention(maps, { ...opts, groups: ['16:down'] })!;
    expect(maxAbsDiff(both, aggregateAttention(maps, { ...opts, groups: null })!)).toBe(0);
    expect(maxAbsDiff(both, downOnly)).toBeGreaterThan(1e-3);
  });

  it('returns null when a ticked cell was never computed', () => {
    expect(aggregateAttention(maps, { timesteps: [999], resolutions: [8], outputs: OUTPUTS, latentSize: LATENT })).toBeNull();
  });
});
