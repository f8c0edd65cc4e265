import { describe, expect, it } from 'vitest';
import { normalizeMinMax } from './normalize';
import { insideBox, probeReading } from './probe';

describe('probeReading', () => {
  // A 4×8 ramp from 2 to 9: raw values come back from the normalised map and its range.
  const raw = Float32Array.from({ length: 32 }, (_, i) => 2 + (i % 8));
  const map01 = normalizeMinMax(raw);

  it('reads the frame pixel under the point, normalised and raw', () => {
    const r = probeReading(map01, [4, 8], [2, 9], [[0, 0, 3, 3]], [[4, 0, 7, 3]], 0.5, 0.25);
    expect([r.x, r.y]).toEqual([4, 1]);
    expect(r.normalised).toBeCloseTo(4 / 7, 6); // raw 6 on a 2…9 ramp
    expect(r.raw).toBeCloseTo(raw[1 * 8 + 4]!, 5);
    expect(r.insidePred).toBe(false);
    expect(r.insideGt).toBe(true);
  });

  it('clamps to the frame and says null about GT when there is none', () => {
    const r = probeReading(map01, [4, 8], [2, 9], [[0, 0, 7, 3]], [], 0.9999, 0.9999);
    expect([r.x, r.y]).toEqual([7, 3]);
    expect(r.raw).toBeCloseTo(9, 5);
    expect(r.insideGt).toBeNull();
    expect(r.insidePred).toBe(true);
  });

  it('a constant map reads its one value', () => {
    expect(probeReading(new Float32Array(4), [2, 2], [5, 5], [], [], 0, 0).raw).toBe(5);
  });

  it('boxes include their last row and column', () => {
    expect(insideBox(3, 3, [0, 0, 3, 3])).toBe(true);
    expect(insideBox(4, 3, [0, 0, 3, 3])).toBe(false);
  });
});
