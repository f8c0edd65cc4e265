/**
 * Augmented copies of a dropped image, for the new classifier row: the classifier's own training
 * augmentation (python/wsolkit/train/data.py `augment(style=True)`), ported op for op, with the
 * browser's seeded random numbers instead of torch's.
 *
 * Why: five images are too few for a row that must also accept the test styles (flat cartoon
 * colours, line drawings). Measured in the PyTorch reference on validation (docs/teach.md),
 * 16 augmented copies of each image took the new class's top-1 from 51 % to 91 %.
 *
 * Each copy, in the reference's order: a random square crop of 60–100 % of the side, resized
 * back (bilinear); with probability 0.25 "cartoon" (blurred, posterised colours, dark outlines)
 * or 0.15 "line art" (dark outlines on pale paper); a horizontal flip (0.5); brightness and
 * contrast × U(0.6, 1.4); saturation × U(0.3, 1.7); a channel shuffle (0.3); greyscale (0.2).
 * Pure and isomorphic: RGB bytes in, RGB bytes out.
 */
import { mulberry32 } from '../random/map';

/** An RGB image, row-major, 3 bytes per pixel (HWC). */
export interface RgbImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** `copies` augmented versions of a square RGB image, seeded (the same seed gives the same copies). */
export function augmentCopies(image: RgbImage, copies: number, seed: number): RgbImage[] {
  if (image.width !== image.height) throw new RangeError(`augment: the image must be square, not ${image.width}×${image.height}`);
  const next = mulberry32(seed);
  return Array.from({ length: copies }, () => augmentOne(image, next));
}

function augmentOne({ rgb, width: s }: RgbImage, rand: () => number): RgbImage {
  const n = s * s;
  // Planar float [3][n] in [0, 1], like the reference's CHW tensor.
  let x = crop(rgb, s, rand);
  const r = rand();
  if (r < 0.25 + 0.15) x = stylise(x, s, r < 0.25 ? 'cartoon' : 'line', rand);
  if (rand() < 0.5) flipHorizontal(x, s);
  const bright = 0.6 + 0.8 * rand();
  const contrast = 0.6 + 0.8 * rand();
  let mean = 0;
  for (let i = 0; i < 3 * n; i++) mean += x[i]!;
  mean /= 3 * n;
  for (let i = 0; i < 3 * n; i++) x[i] = ((x[i]! - mean) * contrast + mean) * bright;
  const sat = 0.3 + 1.4 * rand();
  for (let i = 0; i < n; i++) {
    const grey = (x[i]! + x[n + i]! + x[2 * n + i]!) / 3;
    for (let c = 0; c < 3; c++) x[c * n + i] = grey + (x[c * n + i]! - grey) * sat;
  }
  if (rand() < 0.3) {
    const order = shuffle([0, 1, 2], rand);
    const copy = x.slice();
    for (let c = 0; c < 3; c++) x.set(copy.subarray(order[c]! * n, (order[c]! + 1) * n), c * n);
  }
  if (rand() < 0.2) {
    for (let i = 0; i < n; i++) {
      const grey = (x[i]! + x[n + i]! + x[2 * n + i]!) / 3;
      x[i] = x[n + i] = x[2 * n + i] = grey;
    }
  }
  const out = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[3 * i + c] = Math.round(255 * Math.min(1, Math.max(0, x[c * n + i]!)));
  return { rgb: out, width: s, height: s };
}

/** A random square crop of k = ⌊s·U(0.6, 1)⌋ pixels, resized back to s (bilinear, half-pixel centres) → planar [3][s²]. */
function crop(rgb: Uint8Array, s: number, rand: () => number): Float32Array {
  const k = Math.floor(s * (0.6 + 0.4 * rand()));
  const ox = Math.floor(rand() * (s - k + 1));
  const oy = Math.floor(rand() * (s - k + 1));
  const n = s * s;
  const out = new Float32Array(3 * n);
  const scale = k / s;
  const at = (x: number, y: number, c: number) => rgb[3 * ((oy + y) * s + ox + x) + c]! / 255;
  for (let y = 0; y < s; y++) {
    const sy = Math.min(k - 1, Math.max(0, (y + 0.5) * scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(k - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < s; x++) {
      const sx = Math.min(k - 1, Math.max(0, (x + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(k - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const top = at(x0, y0, c) * (1 - fx) + at(x1, y0, c) * fx;
        const bottom = at(x0, y1, c) * (1 - fx) + at(x1, y1, c) * fx;
        out[c * n + y * s + x] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

/**
 * "cartoon": 3×3 box blur posterised to 3–5 levels, with dark ink on the edges; "line": dark ink on the
 * edges of pale paper. Edges: Sobel (÷4) on the grey image above a threshold U(0.08, 0.2), dilated 3×3.
 * The reference draws the threshold, levels, ink and paper for every image; so does this.
 */
function stylise(x: Float32Array, s: number, kind: 'cartoon' | 'line', rand: () => number): Float32Array {
  const n = s * s;
  const thresh = 0.08 + 0.12 * rand();
  const levels = 3 + Math.floor(rand() * 3);
  const ink = [0, 1, 2].map(() => 0.15 * rand());
  const paper = [0, 1, 2].map(() => 0.85 + 0.15 * rand());
  const e = edges(x, s, thresh);
  const out = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    const plane = x.subarray(c * n, (c + 1) * n);
    const base = kind === 'cartoon' ? posterise(boxBlur3(plane, s), levels) : null;
    for (let i = 0; i < n; i++) {
      const ground = base ? base[i]! : paper[c]!;
      out[c * n + i] = ground * (1 - e[i]!) + ink[c]! * e[i]!;
    }
  }
  return out;
}

/** Binary edge map [s²]: |Sobel/4| of the grey image (zero padding) > thresh, then a 3×3 max (dilation). */
function edges(x: Float32Array, s: number, thresh: number): Float32Array {
  const n = s * s;
  const grey = new Float32Array(n);
  for (let i = 0; i < n; i++) grey[i] = (x[i]! + x[n + i]! + x[2 * n + i]!) / 3;
  const g = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= s || yy >= s ? 0 : grey[yy * s + xx]!);
  const raw = new Float32Array(n);
  for (let y = 0; y < s; y++) {
    for (let xx = 0; xx < s; xx++) {
      const gx = (g(xx + 1, y - 1) + 2 * g(xx + 1, y) + g(xx + 1, y + 1) - g(xx - 1, y - 1) - 2 * g(xx - 1, y) - g(xx - 1, y + 1)) / 4;
      const gy = (g(xx - 1, y + 1) + 2 * g(xx, y + 1) + g(xx + 1, y + 1) - g(xx - 1, y - 1) - 2 * g(xx, y - 1) - g(xx + 1, y - 1)) / 4;
      raw[y * s + xx] = Math.sqrt(gx * gx + gy * gy) > thresh ? 1 : 0;
    }
  }
  const out = new Float32Array(n);
  for (let y = 0; y < s; y++) {
    for (let xx = 0; xx < s; xx++) {
      let m = 0;
      for (let dy = -1; dy <= 1 && m === 0; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const x2 = xx + dx;
          if (yy >= 0 && x2 >= 0 && yy < s && x2 < s && raw[yy * s + x2]! > 0) {
            m = 1;
            break;
          }
        }
      }
      out[y * s + xx] = m;
    }
  }
  return out;
}

/** 3×3 mean with zero padding, dividing by 9 everywhere (PyTorch's avg_pool2d counts the padding). */
function boxBlur3(p: Float32Array, s: number): Float32Array {
  const out = new Float32Array(s * s);
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && xx >= 0 && yy < s && xx < s) sum += p[yy * s + xx]!;
        }
      }
      out[y * s + x] = sum / 9;
    }
  }
  return out;
}

function posterise(p: Float32Array, levels: number): Float32Array {
  return p.map((v) => Math.round(v * levels) / levels);
}

function flipHorizontal(x: Float32Array, s: number): void {
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < s; y++) {
      const row = c * s * s + y * s;
      for (let i = 0, j = s - 1; i < j; i++, j--) {
        const t = x[row + i]!;
        x[row + i] = x[row + j]!;
        x[row + j] = t;
      }
    }
  }
}

function shuffle<T>(a: T[], rand: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
