import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contourArea, findContours, type Contour } from './contours';
import { bytes, fnv1a, goldenUrl } from './golden.testutil';

/** Per contour: [2·area, x, y, w, h, isHole, parent, #points, FNV-1a of the points]. */
type Row = [number, number, number, number, number, number, number, number, number];
interface Golden {
  masks: { name: string; h: number; w: number; bits: string; contours: Row[] }[];
}
const golden = JSON.parse(readFileSync(goldenUrl('contours_cv2.json'), 'utf8')) as Golden;

function unpackBits(b64: string, n: number): Uint8Array {
  const packed = bytes(b64);
  return Uint8Array.from({ length: n }, (_, i) => (packed[i >> 3] >> (7 - (i & 7))) & 1);
}

function row(c: Contour): Row {
  const [x0, y0, x1, y1] = c.box;
  return [2 * c.area, x0, y0, x1 - x0, y1 - y0, c.isHole ? 1 : 0, c.parent, c.points.length / 2, fnv1a(c.points)];
}

/** The (area, rect, isHole) set, order-free. */
const shapeSet = (rows: Row[]) => rows.map((r) => r.slice(0, 6).join(',')).sort();

describe('findContours vs cv2.findContours(RETR_TREE, CHAIN_APPROX_SIMPLE)', () => {
  for (const m of golden.masks) {
    const contours = findContours(unpackBits(m.bits, m.h * m.w), m.h, m.w);

    it(`${m.name} (${m.h}×${m.w}, ${m.contours.length} contours): same areas, rects and kinds`, () => {
      expect(shapeSet(contours.map(row))).toEqual(shapeSet(m.contours));
    });

    it(`${m.name}: same order, parents and points`, () => {
      expect(contours.map(row)).toEqual(m.contours);
    });
  }
});

describe('contourArea', () => {
  it('is the absolute shoelace area through pixel centres', () => {
    expect(contourArea([0, 0, 0, 3, 4, 3, 4, 0])).toBe(12);
    expect(contourArea([0, 0, 4, 0, 4, 3, 0, 3])).toBe(12);
    expect(contourArea([5, 5])).toBe(0);
    expect(contourArea([])).toBe(0);
  });

  it('gives a solid w×h block (w−1)(h−1) and a line 0', () => {
    const block = new Uint8Array(6 * 7);
    for (let y = 1; y < 5; y++) for (let x = 2; x < 7; x++) block[y * 7 + x] = 1;
    const [c] = findContours(block, 6, 7);
    expect(c.area).toBe(4 * 3);
    expect(c.box).toEqual([2, 1, 7, 5]);
    const line = new Uint8Array(5 * 5);
    line.fill(1, 10, 15);
    expect(findContours(line, 5, 5).map((k) => k.area)).toEqual([0]);
  });
});
