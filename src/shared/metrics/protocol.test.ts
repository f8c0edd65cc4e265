import { describe, expect, it } from 'vitest';
import { meanBoxAccCurve, boxAccOf, protocolLesson, splitGallery } from './protocol';

const TOL = 1e-9;

describe('splitGallery', () => {
  const names = Array.from({ length: 30 }, (_, i) => `img${String(i).padStart(2, '0')}.png`);

  it('halves the images into disjoint validation and test sets', () => {
    const s = splitGallery(names);
    expect(s.validation).toHaveLength(15);
    expect(s.test).toHaveLength(15);
    expect([...s.validation, ...s.test].sort((a, b) => a - b)).toEqual(names.map((_, i) => i));
  });

  it('depends on the names, not their order', () => {
    const reversed = [...names].reverse();
    const a = splitGallery(names).validation.map((i) => names[i]);
    const b = splitGallery(reversed).validation.map((i) => reversed[i]);
    expect(b.sort()).toEqual(a.sort());
  });

  it('changes with the seed and puts the odd image in validation', () => {
    expect(splitGallery(names, 1).validation).not.toEqual(splitGallery(names, 2).validation);
    expect(splitGallery(names.slice(0, 5)).validation).toHaveLength(3);
  });

  it('refuses duplicate names', () => {
    expect(() => splitGallery(['a', 'a'])).toThrow(RangeError);
  });
});

describe('protocolLesson', () => {
  // τ grid 0, 0.25, 0.5, 0.75; validation peaks at τ = 0.25, test at τ = 0.5.
  const curves = [
    [0.2, 0.8, 0.4, 0.1],
    [0.2, 0.6, 0.6, 0.1],
    [0.1, 0.2, 0.8, 0.2],
    [0.1, 0.4, 0.75, 0.6],
  ];
  const split = { validation: [0, 1], test: [2, 3] };

  it('chooses τ on validation, reports it on test, and shows what tuning on test adds', () => {
    const p = protocolLesson(curves, split, 0.25);
    expect(p.validationTaus).toEqual([0.25, 0.25, 0.25]);
    expect(p.validationScore).toBeCloseTo((100 + 100 + 50) / 3, 9);
    expect(p.testAtValidationTau).toBeCloseTo((50 + 0 + 0) / 3, 9);
    expect(p.testTaus).toEqual([0.5, 0.5, 0.5]);
    expect(p.testAtTestTau).toBeCloseTo(100, 9);
    expect(p.inflation).toBeCloseTo(100 - 50 / 3, 9);
  });

  it('has no inflation when validation and test agree', () => {
    const p = protocolLesson([curves[2]!, curves[2]!], { validation: [0], test: [1] }, 0.25);
    expect(Math.abs(p.inflation)).toBeLessThan(TOL);
  });

  it('needs both halves', () => {
    expect(() => protocolLesson(curves, { validation: [], test: [0] }, 0.25)).toThrow(RangeError);
  });

  it('plots the mean over δ of BoxAcc per τ', () => {
    const mean = meanBoxAccCurve(boxAccOf(curves, [2, 3], 0.25));
    const want = [0, 50 / 3, 100, 50 / 3 + 50 / 3];
    for (const [i, v] of want.entries()) expect(Math.abs(mean[i]! - v)).toBeLessThan(TOL);
  });
});
