/**
 * CAM (Zhou et al., CVPR 2016), matching python/wsolkit/baselines.py: the
 * classifier's last feature map weighted by the class's row of the GAP head.
 * Sums run in float64, as the Python reference does, so parity is ~1e-7.
 */
import type { FeatureMap } from '../tensor';

/** CAM: ReLU(mean_k w_ck · f_k). `head` is the classifier's weight matrix [classes, K], row-major. */
export function camMap(f: FeatureMap, head: Float32Array, classIndex: number): Float32Array {
  const [K, h, w] = f.dims;
  const n = h * w;
  if (head.length % K !== 0 || (classIndex + 1) * K > head.length || classIndex < 0) {
    throw new RangeError(`CAM: class ${classIndex} is outside a head of ${head.length / K} classes × ${K} channels`);
  }
  const acc = new Float64Array(n);
  for (let k = 0; k < K; k++) {
    const wk = head[classIndex * K + k]!;
    const off = k * n;
    for (let i = 0; i < n; i++) acc[i]! += wk * f.data[off + i]!;
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(0, acc[i]! / K);
  return out;
}
