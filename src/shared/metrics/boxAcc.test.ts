import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boxesAtThresholds, WSOL_V2_BOX_RULE } from '../postprocess/boxes';
import { f64, goldenUrl, u16 } from '../postprocess/golden.testutil';
import { normalizeMinMax } from '../postprocess/normalize';
import type { Box } from '../postprocess/types';
import { boxAccCurves, BoxAccumulator, maxBoxAccV2, thresholdGrid } from './boxAcc';

interface AccGolden {
  gtBoxes: Box[][];
  configs: { step: number; deltas: number[]; region: 'all' | 'largest'; numCorrect: number[][]; maxBoxAcc: number[]; mean: number }[];
}
interface MapsGolden {
  maps: { h: number; w: number; map: string }[];
}
const golden = JSON.parse(readFileSync(goldenUrl('box_acc_wsol.json'), 'utf8')) as AccGolden;
const mapsGolden = JSON.parse(readFileSync(goldenUrl('boxes_cv2.json'), 'utf8')) as MapsGolden;
const images = mapsGolden.maps
  .slice(0, golden.gtBoxes.length)
  .map((m) => ({ ...m, map01: normalizeMinMax(Float32Array.from(u16(m.map))) }));

describe('BoxAccumulator vs wsolevaluation BoxEvaluator', () => {
  for (const cfg of golden.configs) {
    it(`step ${cfg.step}, δ ${cfg.deltas.join('/')}, ${cfg.region} contours`, () => {
      const acc = new BoxAccumulator({ step: cfg.step, iouThresholds: cfg.deltas.map((d) => d / 100), region: cfg.region });
      for (const [n, m] of images.entries()) acc.add(m.map01, m.h, m.w, golden.gtBoxes[n]);
      const r = acc.result();
      expect(r.count).toBe(images.length);
      expect(r.curves.map((c) => Array.from(c))).toEqual(cfg.numCorrect.map((k) => k.map((v) => (v * 100) / images.length)));
      expect(r.maxBoxAcc).toEqual(cfg.maxBoxAcc);
      expect(r.mean).toBe(cfg.mean);
    });
  }

  it('the functional API agrees with the accumulator', () => {
    const cfg = golden.configs[0];
    const taus = thresholdGrid(cfg.step);
    const boxes = images.map((m) => boxesAtThresholds(m.map01, m.h, m.w, taus, WSOL_V2_BOX_RULE));
    expect(maxBoxAccV2(boxes, golden.gtBoxes)).toEqual({ maxBoxAcc: cfg.maxBoxAcc, mean: cfg.mean });
    expect(boxAccCurves(boxes, golden.gtBoxes)[1][0]).toBe((cfg.numCorrect[1][0] * 100) / images.length);
  });
});

describe('thresholdGrid', () => {
  it('is np.arange(0, 1, step) bit for bit', () => {
    const semantics = JSON.parse(readFileSync(goldenUrl('numpy_semantics.json'), 'utf8')) as {
      grid: { step: number; taus: string; grid01: string };
    };
    expect(thresholdGrid(semantics.grid.step)).toEqual(f64(semantics.grid.taus));
    expect(thresholdGrid(0.01)).toEqual(f64(semantics.grid.grid01));
  });
});
