import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytes, goldenUrl } from '../postprocess/golden.testutil';
import { compositeOnBackground, resizeRgbPilBicubic } from './resizePil';

interface Golden {
  cases: {
    kind: 'noise' | 'ramps' | 'checker';
    seed: number;
    srcW: number;
    srcH: number;
    dstW: number;
    dstH: number;
    rowHashes: number[];
    firstRow: string;
    midRow: string;
  }[];
  composite: { rgba: string; bg: [number, number, number]; rgb: string };
}
const golden = JSON.parse(readFileSync(goldenUrl('pil_resize.json'), 'utf8')) as Golden;

/** lowbias32 integer hash (the golden script's `lowbias32`). */
function lowbias32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The script's `test_image`, rebuilt with the same integer arithmetic. */
function testImage(kind: Golden['cases'][number]['kind'], w: number, h: number, seed: number): Uint8Array {
  const img = new Uint8Array(w * h * 3);
  const salt = Number((BigInt(seed) * 0x9e3779b9n) & 0xffffffffn);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * w + x) * 3 + c;
        if (kind === 'noise') img[i] = lowbias32((i + salt) >>> 0) >>> 24;
        else if (kind === 'ramps') img[i] = (Math.floor((x * (c + 1) * 255) / (w - 1)) + Math.floor((y * (3 - c) * 255) / (h - 1))) & 255;
        else img[i] = (((x >> 3) + (y >> 3) + c) & 1) * 255;
      }
    }
  }
  return img;
}

/** FNV-1a 32 of each row's bytes (the script's `fnv1a_rows`). */
function rowHashes(img: Uint8Array, h: number): number[] {
  const rowBytes = img.length / h;
  return Array.from({ length: h }, (_, y) => {
    let hash = 0x811c9dc5;
    for (let i = y * rowBytes; i < (y + 1) * rowBytes; i++) hash = Math.imul(hash ^ img[i], 16777619) >>> 0;
    return hash;
  });
}

describe('resizeRgbPilBicubic vs PIL Image.resize(BICUBIC)', () => {
  for (const c of golden.cases) {
    it(`${c.kind} ${c.srcW}×${c.srcH} → ${c.dstW}×${c.dstH}: every row bit-exact`, () => {
      const out = resizeRgbPilBicubic(testImage(c.kind, c.srcW, c.srcH, c.seed), c.srcW, c.srcH, c.dstW, c.dstH);
      expect(out).toHaveLength(c.dstW * c.dstH * 3);
      const row = (y: number) => out.subarray(y * c.dstW * 3, (y + 1) * c.dstW * 3);
      expect(row(0)).toEqual(bytes(c.firstRow));
      expect(row(c.dstH >> 1)).toEqual(bytes(c.midRow));
      const mismatchedRows = rowHashes(out, c.dstH).filter((h, y) => h !== c.rowHashes[y]).length;
      expect(mismatchedRows).toBe(0);
    });
  }
});

describe('compositeOnBackground', () => {
  it('matches the numpy twin (round half up) on random RGBA', () => {
    const { rgba, bg, rgb } = golden.composite;
    expect(compositeOnBackground(bytes(rgba), bg)).toEqual(bytes(rgb));
  });

  it('keeps opaque pixels and replaces transparent ones', () => {
    expect(Array.from(compositeOnBackground(Uint8Array.from([10, 20, 30, 255, 10, 20, 30, 0]), [1, 2, 3]))).toEqual([10, 20, 30, 1, 2, 3]);
  });
});
