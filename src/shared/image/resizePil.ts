/**
 * Pillow's `Image.resize((dstW, dstH), Image.BICUBIC)` for RGB images, bit-exact
 * (libImaging/Resample.c, `ImagingResample` with 8-bit channels), plus alpha compositing.
 */

/** Fixed-point bits of the 8-bit coefficients: 32 − 8 − 2 (room for sign and overshoot). */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;

/** Keys cubic with a = −0.5 (Pillow's `bicubic_filter`), support 2. */
function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** Per output position: first source index, tap count and fixed-point weights (`precompute_coeffs`). */
interface Coeffs {
  ksize: number;
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
}

function precomputeCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  // Shrinking widens the kernel by the scale: that is Pillow's antialiasing.
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const invFilterScale = 1 / filterScale;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < n; x++) {
      k[x] = bicubic((x + xmin - center + 0.5) * invFilterScale);
      sum += k[x];
    }
    for (let x = 0; x < n; x++) {
      const w = sum !== 0 ? k[x] / sum : k[x];
      // normalize_coeffs_8bpc: round half away from zero, then truncate.
      weights[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    first[xx] = xmin;
    count[xx] = n;
  }
  return { ksize, first, count, weights };
}

/** Rounds the fixed-point sum (it starts at ONE/2) and clips to 0..255 (`clip8`). */
function clip8(acc: number): number {
  const v = Math.floor(acc / ONE);
  return v < 0 ? 0 : Math.min(v, 255);
}

/** Horizontal pass over `rows` source rows starting at `firstRow` (`_ImagingResampleHorizontal_8bpc`). */
function horizontalPass(src: Uint8Array, srcW: number, firstRow: number, rows: number, c: Coeffs, dstW: number): Uint8Array {
  const dst = new Uint8Array(rows * dstW * 3);
  for (let y = 0; y < rows; y++) {
    const line = (y + firstRow) * srcW * 3;
    for (let xx = 0; xx < dstW; xx++) {
      const k = xx * c.ksize;
      let r = ONE / 2;
      let g = ONE / 2;
      let b = ONE / 2;
      for (let x = 0, p = line + c.first[xx] * 3; x < c.count[xx]; x++, p += 3) {
        const w = c.weights[k + x];
        r += src[p] * w;
        g += src[p + 1] * w;
        b += src[p + 2] * w;
      }
      const o = (y * dstW + xx) * 3;
      dst[o] = clip8(r);
      dst[o + 1] = clip8(g);
      dst[o + 2] = clip8(b);
    }
  }
  return dst;
}

/** Vertical pass; `c.first` indexes rows of `src` (`_ImagingResampleVertical_8bpc`). */
function verticalPass(src: Uint8Array, width: number, c: Coeffs, dstH: number): Uint8Array {
  const dst = new Uint8Array(dstH * width * 3);
  const rowStep = width * 3;
  for (let yy = 0; yy < dstH; yy++) {
    const k = yy * c.ksize;
    for (let x = 0; x < width; x++) {
      let r = ONE / 2;
      let g = ONE / 2;
      let b = ONE / 2;
      for (let y = 0, p = c.first[yy] * rowStep + x * 3; y < c.count[yy]; y++, p += rowStep) {
        const w = c.weights[k + y];
        r += src[p] * w;
        g += src[p + 1] * w;
        b += src[p + 2] * w;
      }
      const o = (yy * width + x) * 3;
      dst[o] = clip8(r);
      dst[o + 1] = clip8(g);
      dst[o + 2] = clip8(b);
    }
  }
  return dst;
}

/**
 * `PIL.Image.fromarray(rgb).resize((dstW, dstH), Image.BICUBIC)` for an RGB image
 * (`rgb` is h·w·3, row-major). Bit-exact with Pillow: bicubic a = −0.5 with support scaled
 * by the shrink factor (antialiasing), normalised coefficients in 22-bit fixed point,
 * horizontal pass first over only the rows the vertical pass reads, uint8 clip after each pass.
 */
export function resizeRgbPilBicubic(rgb: Uint8Array, srcW: number, srcH: number, dstW: number, dstH: number): Uint8Array {
  if (rgb.length !== srcW * srcH * 3) throw new RangeError(`rgb has ${rgb.length} bytes, expected ${srcW}×${srcH}×3`);
  const vertical = precomputeCoeffs(srcH, dstH);
  let img = rgb;
  if (dstW !== srcW) {
    const firstRow = vertical.first[0];
    const rows = vertical.first[dstH - 1] + vertical.count[dstH - 1] - firstRow;
    img = horizontalPass(rgb, srcW, firstRow, rows, precomputeCoeffs(srcW, dstW), dstW);
    vertical.first = vertical.first.map((y) => y - firstRow);
  }
  // Pillow skips a pass whose size is unchanged (and copies when neither runs).
  return dstH !== srcH ? verticalPass(img, dstW, vertical, dstH) : img === rgb ? rgb.slice() : img;
}

/**
 * RGBA → RGB over a solid background, per channel `round((a·c + (255−a)·bg) / 255)` with
 * round-half-up in integers: `⌊(a·c + (255−a)·bg + 127) / 255⌋`. The golden script's
 * `composite_on_background` (python/scripts/make_numeric_goldens.py) is the numpy twin.
 */
export function compositeOnBackground(rgba: Uint8Array | Uint8ClampedArray, bg: readonly [number, number, number]): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    const a = rgba[i + 3];
    for (let c = 0; c < 3; c++) rgb[j + c] = Math.floor((a * rgba[i + c] + (255 - a) * bg[c] + 127) / 255);
  }
  return rgb;
}
