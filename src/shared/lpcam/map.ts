/**
 * LPCAM (Chen et al., CVPR 2023), matching python/wsolkit/baselines.py: mean cosine
 * similarity of each feature position to the class's local prototypes, minus the
 * mean similarity to its context prototypes. Prototypes come from k-means over
 * training features (python -m wsolkit.train.lpcam). Sums run in float64, as the
 * Python reference does.
 */
import type { FeatureMap } from '../tensor';

const COS_EPS = 1e-8;

/** Mean over `count` prototypes (rows of `protos` from `start`) of cos(f(x, y), p) → [h·w]. */
export function meanCosine(f: FeatureMap, protos: Float32Array, start: number, count: number): Float64Array {
  const [K, h, w] = f.dims;
  const n = h * w;
  const norms = new Float64Array(n);
  for (let k = 0; k < K; k++) for (let i = 0; i < n; i++) norms[i]! += f.data[k * n + i]! ** 2;
  for (let i = 0; i < n; i++) norms[i] = Math.max(Math.sqrt(norms[i]!), COS_EPS);
  const out = new Float64Array(n);
  const dot = new Float64Array(n);
  for (let j = start; j < start + count; j++) {
    let pn = 0;
    for (let k = 0; k < K; k++) pn += protos[j * K + k]! ** 2;
    pn = Math.max(Math.sqrt(pn), COS_EPS);
    dot.fill(0);
    for (let k = 0; k < K; k++) {
      const pk = protos[j * K + k]!;
      const off = k * n;
      for (let i = 0; i < n; i++) dot[i]! += pk * f.data[off + i]!;
    }
    for (let i = 0; i < n; i++) out[i]! += dot[i]! / pn / norms[i]!;
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! / count;
  return out;
}

export interface LpcamRanges {
  /** [start, count] rows of the class prototypes (count ≥ 1). */
  class: [number, number];
  /** [start, count] rows of the context prototypes (may be empty). */
  context: [number, number];
}

/**
 * LPCAM at one scale: A = mean cos to the class prototypes; with context (and if
 * the class has context prototypes), ReLU(A − mean cos to them).
 */
export function lpcamMap(f: FeatureMap, prototypes: Float32Array, ranges: LpcamRanges, subtractContext: boolean): Float32Array {
  const K = f.dims[0];
  const rows = prototypes.length / K;
  for (const [start, count] of [ranges.class, ranges.context]) {
    if (start < 0 || start + count > rows) throw new RangeError(`LPCAM: rows [${start}, ${start + count}) are outside ${rows} prototypes`);
  }
  const a = meanCosine(f, prototypes, ranges.class[0], ranges.class[1]);
  const withContext = subtractContext && ranges.context[1] > 0;
  const q = withContext ? meanCosine(f, prototypes, ranges.context[0], ranges.context[1]) : null;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = q ? Math.max(0, a[i]! - q[i]!) : a[i]!;
  return out;
}
