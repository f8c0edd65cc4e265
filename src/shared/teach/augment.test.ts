import { describe, expect, it } from 'vitest';
import { augmentCopies, type RgbImage } from './augment';

/** A 32×32 test card: a red square on a blue-grey ground. */
function card(s = 32): RgbImage {
  const rgb = new Uint8Array(3 * s * s);
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      const inside = x >= 8 && x < 24 && y >= 8 && y < 24;
      rgb.set(inside ? [220, 30, 30] : [90, 110, 140], 3 * (y * s + x));
    }
  }
  return { rgb, width: s, height: s };
}

describe('augmentCopies (the classifier training augmentation, in the browser)', () => {
  it('is seeded: one seed gives the same copies, another seed others', () => {
    const a = augmentCopies(card(), 6, 7);
    const b = augmentCopies(card(), 6, 7);
    const c = augmentCopies(card(), 6, 8);
    expect(a.map((x) => x.rgb)).toEqual(b.map((x) => x.rgb));
    expect(a.map((x) => x.rgb)).not.toEqual(c.map((x) => x.rgb));
    for (const x of a) expect([x.width, x.height, x.rgb.length]).toEqual([32, 32, 32 * 32 * 3]);
  });

  it('varies colour, layout and style across copies', () => {
    const copies = augmentCopies(card(), 64, 1);
    const distinct = new Set(copies.map((x) => Buffer.from(x.rgb).toString('base64')));
    expect(distinct.size).toBeGreaterThan(60); // a rare pair can saturate to the same picture
    // Some copies are grey (greyscale 20 %), some keep colour.
    const isGrey = (x: RgbImage) => x.rgb.every((v, i) => i % 3 !== 0 || (v === x.rgb[i + 1] && v === x.rgb[i + 2]));
    const grey = copies.filter(isGrey).length;
    expect(grey).toBeGreaterThan(2);
    expect(grey).toBeLessThan(40);
    // Line art and cartoons draw dark outlines: some copies hold near-black pixels the card never had.
    const dark = copies.filter((x) => x.rgb.some((v, i) => i % 3 === 0 && v < 45 && x.rgb[i + 1]! < 45 && x.rgb[i + 2]! < 45)).length;
    expect(dark).toBeGreaterThan(5);
  });

  it('refuses a non-square image', () => {
    expect(() => augmentCopies({ rgb: new Uint8Array(3 * 6), width: 3, height: 2 }, 1, 0)).toThrow(/square/);
  });
});
