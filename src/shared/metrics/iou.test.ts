import { describe, expect, it } from 'vitest';
import { bestMatch, iog, iop, iou, maxIou } from './iou';

describe('box overlaps (inclusive areas)', () => {
  it('counts boundary pixels', () => {
    expect(iou([0, 0, 9, 9], [0, 0, 9, 9])).toBe(1);
    expect(iou([0, 0, 9, 9], [5, 0, 14, 9])).toBe(50 / 150);
    expect(iou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(1); // a single pixel
    expect(iou([0, 0, 4, 4], [5, 5, 9, 9])).toBe(0);
  });

  it('IoG and IoP use the GT and the prediction area', () => {
    expect(iog([0, 0, 4, 4], [0, 0, 9, 9])).toBe(25 / 100);
    expect(iop([0, 0, 4, 4], [0, 0, 9, 9])).toBe(1);
  });

  it('returns 0 for a degenerate pair, as wsolevaluation', () => {
    expect(iou([5, 5, 2, 2], [5, 5, 2, 2])).toBe(0);
  });

  it('bestMatch keeps the first strictly best GT, index 0 when nothing overlaps', () => {
    expect(
      bestMatch(
        [0, 0, 9, 9],
        [
          [20, 20, 30, 30],
          [0, 0, 9, 9],
          [0, 0, 9, 9],
        ],
      ),
    ).toEqual({ iou: 1, index: 1 });
    expect(bestMatch([0, 0, 9, 9], [[20, 20, 30, 30]])).toEqual({ iou: 0, index: 0 });
    expect(maxIou([0, 0, 9, 9], [])).toBe(0);
  });
});
