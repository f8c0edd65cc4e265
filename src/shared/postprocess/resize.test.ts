import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { f32, goldenUrl, maxAbsDiff } from './golden.testutil';
import { resizeBicubic, resizeBilinear } from './resize';

interface Golden {
  cases: { kernel: 'cubic' | 'linear'; srcH: number; srcW: number; dstH: number; dstW: number; src: string; rows: number[]; dst: string }[];
}
const golden = JSON.parse(readFileSync(goldenUrl('resize_cv2.json'), 'utf8')) as Golden;

describe('resize vs cv2.resize (float32)', () => {
  for (const c of golden.cases) {
    it(`${c.kernel} ${c.srcH}×${c.srcW} → ${c.dstH}×${c.dstW}`, () => {
      const resize = c.kernel === 'cubic' ? resizeBicubic : resizeBilinear;
      const out = resize(f32(c.src), c.srcH, c.srcW, c.dstH, c.dstW);
      expect(out).toHaveLength(c.dstH * c.dstW);
      const rows = c.rows.flatMap((y) => Array.from(out.subarray(y * c.dstW, (y + 1) * c.dstW)));
      expect(maxAbsDiff(rows, f32(c.dst))).toBeLessThanOrEqual(1e-5);
    });
  }

  it('keeps a constant map constant', () => {
    const out = resizeBicubic(new Float32Array(25).fill(0.3), 5, 5, 13, 9);
    expect(maxAbsDiff(out, new Float32Array(out.length).fill(0.3))).toBeLessThan(1e-6);
  });
});
