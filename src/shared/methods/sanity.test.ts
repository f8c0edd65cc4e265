import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { centreGaussianMap } from '../gaussian/map';
import { bytes, f32, goldenUrl, maxAbsDiff } from '../postprocess/golden.testutil';
import { RANDOM_MAP_SIDE, randomMap, seedFromKey } from '../random/map';
import { greyLevels, sobelEdgeMap, sobelMagnitude } from '../sobel/map';
import { ALL_METHODS, isSanityBaseline } from './registry';

interface Golden {
  gaussians: { h: number; w: number; map: string }[];
  sobels: { h: number; w: number; frame: [number, number]; rgb: string; grey: string; magnitudeOfGrey: string; edgeMap: string }[];
}
const golden = JSON.parse(readFileSync(goldenUrl('lab_sanity_maps.json'), 'utf8')) as Golden;

function rgba(rgb: Uint8Array, h: number, w: number) {
  const out = new Uint8ClampedArray(h * w * 4);
  for (let i = 0; i < h * w; i++) out.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  return { width: w, height: h, rgba: out };
}

describe('centre Gaussian vs wsolkit.sanity.centre_gaussian_map', () => {
  for (const g of golden.gaussians) {
    it(`${g.h}×${g.w}`, () => {
      expect(maxAbsDiff(centreGaussianMap(g.h, g.w), f32(g.map))).toBeLessThan(1e-6);
    });
  }
});

describe('Sobel edges vs wsolkit.sanity (cv2.Sobel)', () => {
  for (const s of golden.sobels) {
    const img = rgba(bytes(s.rgb), s.h, s.w);
    it(`${s.h}×${s.w} → ${s.frame.join('×')}: grey levels, magnitude, edge map`, () => {
      const grey = greyLevels(img);
      expect(maxAbsDiff(grey, f32(s.grey))).toBeLessThan(1e-4);
      // cv2 sums the separable kernel in another order: float32 rounding apart, the same values.
      expect(maxAbsDiff(sobelMagnitude(f32(s.grey), s.h, s.w), f32(s.magnitudeOfGrey))).toBeLessThan(1e-3);
      expect(maxAbsDiff(sobelEdgeMap(img, s.frame), f32(s.edgeMap))).toBeLessThan(1e-3);
    });
  }
});

describe('random map', () => {
  it('is stable per image key and differs between images', () => {
    const a = randomMap(seedFromKey('image-a'));
    expect(a).toEqual(randomMap(seedFromKey('image-a')));
    expect(a).not.toEqual(randomMap(seedFromKey('image-b')));
    expect(a.length).toBe(RANDOM_MAP_SIDE ** 2);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
  });
});

describe('registry', () => {
  it('lists the three sanity baselines as local methods with no model', () => {
    const sanity = ALL_METHODS.filter(isSanityBaseline);
    expect(sanity.map((m) => m.id)).toEqual(['gaussian', 'random', 'sobel']);
    for (const m of sanity) {
      expect(m.source).toBe('local');
      expect(m.models).toEqual([]);
    }
  });
});
