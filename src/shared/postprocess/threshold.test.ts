import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytes, f32, f64, goldenUrl } from './golden.testutil';
import { normalizeMax, normalizeMinMax } from './normalize';
import { binarize, maxLevel, thresholdLevel, toUint8 } from './threshold';

interface Golden {
  uint8: { values: string; float32: string; float64: string };
  grid: { step: number; taus: string; levels: number[] };
  normalize: { map: string; max: string; minMax: string }[];
}
const golden = JSON.parse(readFileSync(goldenUrl('numpy_semantics.json'), 'utf8')) as Golden;

/** Bitwise float32 equality (NaN equals NaN). */
const sameBits = (a: Float32Array, b: Float32Array) => expect(new Uint32Array(a.buffer)).toEqual(new Uint32Array(b.buffer));

describe('numpy semantics', () => {
  it('toUint8 = np.uint8(map * 255) in float32 and float64, edge values included', () => {
    const values = f32(golden.uint8.values);
    expect(toUint8(values)).toEqual(bytes(golden.uint8.float32));
    expect(toUint8(values, 'float64')).toEqual(bytes(golden.uint8.float64));
  });

  it('thresholdLevel = int(τ·255) over np.arange(0, 1, 0.001)', () => {
    const taus = f64(golden.grid.taus);
    expect(Array.from(taus, (t) => thresholdLevel(t))).toEqual(golden.grid.levels);
    expect([0.23, 0.25].map((t) => thresholdLevel(t))).toEqual([58, 63]); // GenPromp's cam.py: floor(τ·255) after the float32 product
  });

  it('normalizeMinMax / normalizeMax match numpy float32 bit for bit', () => {
    for (const n of golden.normalize) {
      sameBits(normalizeMinMax(f32(n.map)), f32(n.minMax));
      sameBits(normalizeMax(f32(n.map)), f32(n.max));
    }
  });
});

describe('binarize', () => {
  it('keeps pixels strictly above the level', () => {
    const u8 = Uint8Array.from([0, 57, 58, 59, 255]);
    expect(binarize(u8, 58)).toEqual(Uint8Array.from([0, 0, 0, 1, 1]));
    expect(maxLevel(u8)).toBe(255);
  });
});
