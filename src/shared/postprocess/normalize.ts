/**
 * Map normalisation in float32, as numpy does it on float32 arrays. JS computes each
 * operation in double and the Float32Array store rounds it; for a single +, −, ×, ÷
 * of float32 operands that double rounding is exact, so results match numpy bit for bit.
 */

/**
 * GenPromp's `cam /= cam.max()` (max-normalisation, no clamp: bicubic undershoot stays negative).
 * numpy would turn a map whose max is 0 into NaN/±inf and flip the sign of an all-negative
 * map; neither is meaningful, so when max ≤ 0 (or NaN) the map is returned unchanged (copied).
 */
export function normalizeMax(map: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of map) {
    if (Number.isNaN(v)) return map.slice();
    if (v > max) max = v;
  }
  if (!(max > 0)) return map.slice();
  const out = new Float32Array(map.length);
  for (let i = 0; i < out.length; i++) out[i] = map[i] / max;
  return out;
}

/**
 * Min-max normalisation to [0, 1]: `(map − min) / (max − min)` in float32, the same values
 * as the TS-CAM evaluator's `resize_cam` and wsolevaluation's `normalize_scoremap`.
 * Like wsolevaluation, a constant map or one containing NaN becomes all zeros.
 */
export function normalizeMinMax(map: Float32Array): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (const v of map) {
    if (Number.isNaN(v)) return new Float32Array(map.length);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const out = new Float32Array(map.length);
  if (!(max > min)) return out;
  const range = Math.fround(max - min);
  for (let i = 0; i < out.length; i++) out[i] = Math.fround(map[i] - min) / range;
  return out;
}
