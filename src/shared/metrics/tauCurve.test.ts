import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boxesFromMap } from '../postprocess/boxes';
import { f32, goldenUrl } from '../postprocess/golden.testutil';
import type { Box } from '../postprocess/types';
import { iou } from './iou';
import { boxAccHits, iouTauCurve } from './tauCurve';

interface Golden {
  step: number;
  cases: { h: number; w: number; map: string; gtBoxes: Box[]; largest: number[]; all: number[] }[];
}
const golden = JSON.parse(readFileSync(goldenUrl('lab_tau_curve.json'), 'utf8')) as Golden;

describe('iouTauCurve vs wsolkit.metrics.iou_tau_curve', () => {
  for (const [n, c] of golden.cases.entries()) {
    for (const region of ['largest', 'all'] as const) {
      it(`case ${n} (${c.h}×${c.w}, ${c.gtBoxes.length} GT), ${region} contours`, () => {
        const curve = iouTauCurve(f32(c.map), c.h, c.w, c.gtBoxes, region, golden.step);
        expect(curve.taus.length).toBe(100);
        expect(Array.from(curve.ious)).toEqual(c[region]);
        const expected = c[region].indexOf(Math.max(...c[region]));
        expect(curve.bestIndex).toBe(expected);
      });
    }
  }

  it("agrees with the app's live box (boxesFromMap) at every τ of the grid", () => {
    const c = golden.cases[3]!;
    const map = f32(c.map);
    for (const region of ['largest', 'all'] as const) {
      const curve = iouTauCurve(map, c.h, c.w, c.gtBoxes, region);
      curve.taus.forEach((tau, i) => {
        const boxes = boxesFromMap(map, c.h, c.w, tau, region);
        const live = Math.max(...boxes.flatMap((b) => c.gtBoxes.map((g) => iou(b, g))));
        expect(curve.ious[i], `τ ${tau.toFixed(2)}`).toBe(live);
      });
    }
  });
});

describe('boxAccHits', () => {
  it('counts IoU ≥ δ as a hit, as wsolevaluation', () => {
    expect(boxAccHits(0.5)).toEqual([true, true, false]);
    expect(boxAccHits(0.7)).toEqual([true, true, true]);
    expect(boxAccHits(0.29)).toEqual([false, false, false]);
  });
});
