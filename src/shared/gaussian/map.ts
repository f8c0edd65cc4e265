/**
 * The centre-Gaussian sanity baseline (wsolevaluation's "no learning" baseline): a map that
 * ignores the image and bets on the photographer centring the object.
 */

/** σ as a fraction of each side: the bump covers roughly the middle half of the frame. */
export const GAUSSIAN_SIGMA_FRACTION = 0.25;

/** exp(−((x−cx)²/2σx² + (y−cy)²/2σy²)) over pixel centres, cx = (W−1)/2, σx = W/4 (float32 store). */
export function centreGaussianMap(height: number, width: number, sigmaFraction = GAUSSIAN_SIGMA_FRACTION): Float32Array {
  const out = new Float32Array(height * width);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const sx = sigmaFraction * width;
  const sy = sigmaFraction * height;
  for (let y = 0; y < height; y++) {
    const dy = (y - cy) / sy;
    for (let x = 0; x < width; x++) {
      const dx = (x - cx) / sx;
      out[y * width + x] = Math.exp(-0.5 * (dx * dx + dy * dy));
    }
  }
  return out;
}
