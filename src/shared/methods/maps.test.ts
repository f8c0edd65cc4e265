import { describe, expect, it } from 'vitest';
import { camMap } from '../cam/map';
import { lpcamMap, meanCosine } from '../lpcam/map';
import { satMap } from '../sat/map';
import type { FeatureMap } from '../tensor';

/** 2 channels on a 1×3 grid: position i has features (a[i], b[i]). */
const fm = (a: number[], b: number[]): FeatureMap => ({ data: Float32Array.from([...a, ...b]), dims: [2, 1, a.length] });

describe('camMap', () => {
  it('is ReLU(mean_k w_ck f_k) for the chosen class row', () => {
    const f = fm([1, 0, 2], [0, 1, -4]);
    const head = Float32Array.from([2, 4, /* class 1 */ -1, 1]);
    expect([...camMap(f, head, 0)]).toEqual([1, 2, 0]); // (2·2 + 4·(−4))/2 = −6 → 0
    expect([...camMap(f, head, 1)]).toEqual([0, 0.5, 0]);
  });

  it('rejects a class outside the head', () => {
    expect(() => camMap(fm([1], [1]), Float32Array.from([1, 1]), 1)).toThrow(/class 1 is outside a head of 1 classes/);
  });
});

describe('lpcamMap', () => {
  // Prototypes: row 0 = (1, 0) "class", row 1 = (0, 1) "context".
  const protos = Float32Array.from([1, 0, 0, 1]);
  const f = fm([1, 1, 0], [0, 1, 1]);

  it('averages cosine similarity, and treats an all-zero feature as similarity 0', () => {
    expect([...meanCosine(fm([3, 0], [0, 0]), protos, 0, 2)]).toEqual([0.5, 0]);
  });

  it('subtracts the context and clips at zero; without context it keeps the signed mean cosine', () => {
    const r = Math.SQRT1_2;
    const withContext = lpcamMap(f, protos, { class: [0, 1], context: [1, 1] }, true);
    expect([...withContext].map((v) => +v.toFixed(6))).toEqual([1, 0, 0]);
    const without = lpcamMap(f, protos, { class: [0, 1], context: [1, 1] }, false);
    expect([...without].map((v) => +v.toFixed(6))).toEqual([1, +r.toFixed(6), 0]);
    // A class without context prototypes: the switch changes nothing.
    expect([...lpcamMap(f, protos, { class: [0, 1], context: [2, 0] }, true)]).toEqual([...without]);
  });

  it('rejects ranges outside the prototype array', () => {
    expect(() => lpcamMap(f, protos, { class: [1, 2], context: [0, 0] }, true)).toThrow(/outside 2 prototypes/);
  });
});

describe('satMap', () => {
  const blocks: FeatureMap = { data: Float32Array.from([0.2, 0.4, 0.6, 0.8, 1, 0]), dims: [3, 1, 2] };

  it('is the mean over blocks, or one block', () => {
    expect([...satMap(blocks, 'mean')].map((v) => +v.toFixed(6))).toEqual([0.6, 0.4]);
    expect([...satMap(blocks, 1)].map((v) => +v.toFixed(6))).toEqual([0.6, 0.8]);
    expect(() => satMap(blocks, 3)).toThrow(/block 3 is not one of the 3/);
  });
});
