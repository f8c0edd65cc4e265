/**
 * Float map resizing with OpenCV `cv2.resize` semantics (float32 input):
 * half-pixel centres, replicated border, no antialiasing when shrinking.
 */

/** Source taps for one output axis: `taps` indices (already clamped) and weights per output position. */
interface AxisTaps {
  taps: number;
  index: Int32Array;
  weight: Float64Array;
}

/** OpenCV's `interpolateCubic` (Keys kernel, A = −0.75). */
function cubicWeights(t: number, out: Float64Array, at: number): void {
  const A = -0.75;
  const u = t + 1;
  const v = 1 - t;
  out[at] = ((A * u - 5 * A) * u + 8 * A) * u - 4 * A;
  out[at + 1] = ((A + 2) * t - (A + 3)) * t * t + 1;
  out[at + 2] = ((A + 2) * v - (A + 3)) * v * v + 1;
  out[at + 3] = 1 - out[at] - out[at + 1] - out[at + 2];
}

function axisTaps(srcLen: number, dstLen: number, kernel: 'linear' | 'cubic'): AxisTaps {
  const taps = kernel === 'linear' ? 2 : 4;
  const index = new Int32Array(dstLen * taps);
  const weight = new Float64Array(dstLen * taps);
  // OpenCV stores 1/(dst/src) as the scale and rounds the source coordinate to float.
  const scale = 1 / (dstLen / srcLen);
  const last = srcLen - 1;
  for (let d = 0; d < dstLen; d++) {
    const f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    let t = f - s;
    const at = d * taps;
    if (kernel === 'linear') {
      // Outside the source, OpenCV snaps to the edge pixel with weight 1.
      if (s < 0) [s, t] = [0, 0];
      if (s >= last) [s, t] = [last, 0];
      weight[at] = 1 - t;
      weight[at + 1] = t;
    } else {
      cubicWeights(t, weight, at);
      s -= 1;
    }
    for (let k = 0; k < taps; k++) index[at + k] = Math.min(Math.max(s + k, 0), last);
  }
  return { taps, index, weight };
}

function resample(src: Float32Array, srcH: number, srcW: number, dstH: number, dstW: number, kernel: 'linear' | 'cubic'): Float32Array {
  if (src.length !== srcH * srcW) throw new RangeError(`map has ${src.length} values, expected ${srcH}×${srcW}`);
  const xs = axisTaps(srcW, dstW, kernel);
  const ys = axisTaps(srcH, dstH, kernel);
  // Horizontal pass first, into a float32 buffer, as OpenCV does.
  const rows = new Float32Array(srcH * dstW);
  for (let y = 0; y < srcH; y++) {
    const rowIn = y * srcW;
    const rowOut = y * dstW;
    for (let x = 0; x < dstW; x++) {
      let acc = 0;
      for (let k = x * xs.taps, end = k + xs.taps; k < end; k++) acc += src[rowIn + xs.index[k]] * xs.weight[k];
      rows[rowOut + x] = acc;
    }
  }
  const dst = new Float32Array(dstH * dstW);
  for (let y = 0; y < dstH; y++) {
    const rowOut = y * dstW;
    for (let x = 0; x < dstW; x++) {
      let acc = 0;
      for (let k = y * ys.taps, end = k + ys.taps; k < end; k++) acc += rows[ys.index[k] * dstW + x] * ys.weight[k];
      dst[rowOut + x] = acc;
    }
  }
  return dst;
}

/**
 * `cv2.resize(map, (dstW, dstH), interpolation=cv2.INTER_CUBIC)` for a row-major float map
 * (Keys cubic, A = −0.75, half-pixel centres, replicated border). Agrees with OpenCV to ~1e-6.
 */
export function resizeBicubic(src: Float32Array, srcH: number, srcW: number, dstH: number, dstW: number): Float32Array {
  return resample(src, srcH, srcW, dstH, dstW, 'cubic');
}

/**
 * `cv2.resize(map, (dstW, dstH))` (INTER_LINEAR) for a row-major float map
 * (half-pixel centres, edge clamping, no antialiasing). Agrees with OpenCV to ~1e-6.
 */
export function resizeBilinear(src: Float32Array, srcH: number, srcW: number, dstH: number, dstW: number): Float32Array {
  return resample(src, srcH, srcW, dstH, dstW, 'linear');
}
