import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyColormap, overlayRgba } from './colormap';
import { bytes, f32, goldenUrl } from './golden.testutil';

interface Golden {
  map: string;
  jet: { ramp: string; map: string };
  viridis: { ramp: string; map: string };
  blend: { base: string; heat: string; out: string };
}
const golden = JSON.parse(readFileSync(goldenUrl('colormap_cv2.json'), 'utf8')) as Golden;

/** cv2 BGR bytes → RGBA with alpha 255. */
function bgrToRgba(bgr: Uint8Array): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray((bgr.length / 3) * 4);
  for (let i = 0, j = 0; i < bgr.length; i += 3, j += 4) rgba.set([bgr[i + 2], bgr[i + 1], bgr[i], 255], j);
  return rgba;
}

describe('applyColormap vs cv2.applyColorMap', () => {
  const ramp = Float32Array.from({ length: 256 }, (_, i) => Math.fround(i / 255));
  for (const name of ['jet', 'viridis'] as const) {
    it(`${name}: all 256 entries`, () => {
      expect(applyColormap(ramp, name)).toEqual(bgrToRgba(bytes(golden[name].ramp)));
    });
    it(`${name}: a map with out-of-range values (clamped)`, () => {
      expect(applyColormap(f32(golden.map), name)).toEqual(bgrToRgba(bytes(golden[name].map)));
    });
  }

  it('gray is the identity ramp', () => {
    const rgba = applyColormap(ramp, 'gray');
    expect(Array.from(rgba.subarray(4 * 200, 4 * 201))).toEqual([200, 200, 200, 255]);
  });
});

describe('overlayRgba', () => {
  it('α = 0.5 equals GenPromp blend_cam (image*0.5 + heatmap*0.5, truncated)', () => {
    const base = bgrToRgba(bytes(golden.blend.base));
    const heat = bgrToRgba(bytes(golden.blend.heat));
    expect(overlayRgba(base, heat, 0.5)).toEqual(bgrToRgba(bytes(golden.blend.out)));
  });
});
