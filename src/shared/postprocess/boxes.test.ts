import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boxesAtThresholds, boxesFromMap, boxesFromMask, TSCAM_BOX_RULE, WSOL_V1_BOX_RULE, WSOL_V2_BOX_RULE } from './boxes';
import { goldenUrl, u16 } from './golden.testutil';
import { normalizeMinMax } from './normalize';
import type { Box } from './types';

interface Golden {
  taus: number[];
  maps: { h: number; w: number; map: string; largest: Box[]; all: Box[][] }[];
}
const golden = JSON.parse(readFileSync(goldenUrl('boxes_cv2.json'), 'utf8')) as Golden;

describe('boxesFromMap vs the TS-CAM evaluator (cv2)', () => {
  golden.maps.forEach((m, k) => {
    const map = Float32Array.from(u16(m.map));
    it(`map ${k} (${m.h}×${m.w}) 'largest' = get_bboxes`, () => {
      expect(golden.taus.map((t) => boxesFromMap(map, m.h, m.w, t, 'largest'))).toEqual(m.largest.map((b) => [b]));
    });
    it(`map ${k} (${m.h}×${m.w}) 'all' = wsolevaluation multi-contour boxes`, () => {
      expect(golden.taus.map((t) => boxesFromMap(map, m.h, m.w, t, 'all'))).toEqual(m.all);
    });
  });
});

describe('box rules', () => {
  const empty = new Uint8Array(12);
  it('return the convention box when there is no contour', () => {
    expect(boxesFromMask(empty, 3, 4, TSCAM_BOX_RULE)).toEqual([[0, 0, 1, 1]]);
    expect(boxesFromMask(empty, 3, 4, WSOL_V1_BOX_RULE)).toEqual([[0, 0, 0, 0]]);
    expect(boxesFromMask(empty, 3, 4, WSOL_V2_BOX_RULE)).toEqual([[0, 0, 0, 0]]);
  });

  it('clip x+w, y+h to the frame only for wsolevaluation', () => {
    const full = new Uint8Array(12).fill(1);
    expect(boxesFromMask(full, 3, 4, TSCAM_BOX_RULE)).toEqual([[0, 0, 4, 3]]);
    expect(boxesFromMask(full, 3, 4, WSOL_V1_BOX_RULE)).toEqual([[0, 0, 3, 2]]);
  });

  it('boxesAtThresholds matches one call per τ', () => {
    const m = golden.maps[3];
    const map01 = normalizeMinMax(Float32Array.from(u16(m.map)));
    const taus = Array.from({ length: 100 }, (_, i) => i * 0.01);
    const all = boxesAtThresholds(map01, m.h, m.w, taus, WSOL_V2_BOX_RULE, 'float32');
    for (const [i, t] of taus.entries()) expect(all[i]).toEqual(boxesFromMap(Float32Array.from(u16(m.map)), m.h, m.w, t, 'all'));
  });
});
