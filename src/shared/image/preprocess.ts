/**
 * Image → model tensors, as python/wsolkit/genpromp.py does it:
 * composite alpha onto the pack's background, PIL-bicubic resize straight to the
 * model size (aspect not kept, as GenPromp), then scale.
 */
import { compositeOnBackground, resizeRgbPilBicubic } from './resizePil';

/** RGBA [H, W, 4] → RGB [h, w, 3] at the given size. */
export function resizeForModel(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  bg: [number, number, number],
  size: [number, number],
): Uint8Array {
  const rgb = compositeOnBackground(rgba, bg);
  return resizeRgbPilBicubic(rgb, width, height, size[1], size[0]);
}

/** RGB uint8 [h, w, 3] → float32 [1, 3, h, w] mapped linearly onto `range` (GenPromp: x/127.5 − 1). */
export function toRangeNCHW(rgb: Uint8Array, h: number, w: number, range: [number, number]): Float32Array {
  const out = new Float32Array(3 * h * w);
  // float32 steps in the reference's order: x / 127.5, then + (−1).
  const divisor = Math.fround(255 / (range[1] - range[0]));
  const offset = Math.fround(range[0]);
  const plane = h * w;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = Math.fround(rgb[i * 3 + c]! / divisor) + offset;
  }
  return out;
}

/** RGB uint8 → float32 [1, 3, h, w]: (x/255 − mean)/std per channel. */
export function toNormalizedNCHW(
  rgb: Uint8Array,
  h: number,
  w: number,
  mean: [number, number, number],
  std: [number, number, number],
): Float32Array {
  const out = new Float32Array(3 * h * w);
  const plane = h * w;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const x = Math.fround(rgb[i * 3 + c]! / 255);
      out[c * plane + i] = Math.fround(Math.fround(x - Math.fround(mean[c]!)) / Math.fround(std[c]!));
    }
  }
  return out;
}

export function softmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const e = Float64Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Indices of the k largest values, ties by lower index (numpy's stable argsort of −p). */
export function topK(p: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: p.length }, (_, i) => i)
    .sort((a, b) => p[b]! - p[a]! || a - b)
    .slice(0, k);
}
