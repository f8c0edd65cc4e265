/** Map → uint8 → binary mask, exactly as the TS-CAM evaluator and wsolevaluation do it. */

/**
 * Precision of the `map * 255` product: GenPromp's maps are float32 (numpy keeps float32),
 * wsolevaluation's score maps are float64. The two can differ by one grey level when the
 * product lands within float32 rounding of an integer.
 */
export type Arithmetic = 'float32' | 'float64';

/**
 * `np.uint8(map * 255)`: truncation toward zero. For out-of-range values numpy (x86-64) wraps
 * modulo 256 after truncation (−0.5 → 0, −1.5 → 255, 256.5 → 0, NaN → 0); this mirrors it,
 * which is what a Uint8Array store does. Values slightly outside [0, 1] therefore give 0 / 255.
 */
export function toUint8(map01: Float32Array, arithmetic: Arithmetic = 'float32'): Uint8Array {
  const out = new Uint8Array(map01.length);
  const round = arithmetic === 'float32' ? Math.fround : (v: number) => v;
  for (let i = 0; i < out.length; i++) out[i] = Math.trunc(round(map01[i] * 255)) & 255;
  return out;
}

/** Largest value of a uint8 map (the evaluators threshold at `τ · max`, 255 for a normalised map). */
export function maxLevel(u8: Uint8Array): number {
  let max = 0;
  for (const v of u8) if (v > max) max = v;
  return max;
}

/** Python's `int(tau * maxValue)` (truncation toward zero): the uint8 cut for threshold τ. */
export function thresholdLevel(tau: number, maxValue = 255): number {
  return Math.trunc(tau * maxValue);
}

/**
 * Mask (1/0) of pixels strictly greater than `level`: what survives `cv2.threshold` with
 * THRESH_BINARY or THRESH_TOZERO, which `findContours` then reads as foreground.
 */
export function binarize(u8: Uint8Array, level: number): Uint8Array {
  const mask = new Uint8Array(u8.length);
  for (let i = 0; i < u8.length; i++) mask[i] = u8[i] > level ? 1 : 0;
  return mask;
}
