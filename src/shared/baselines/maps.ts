/**
 * The baselines' maps (baselines.md §1–3), matching python/wsolkit/baselines.py.
 *
 * Inputs come from one classifier run (its last feature map) and one SAT run per
 * image; these functions are cheap (a 16×16 map from a few hundred channels), so
 * class and parameter changes recompute on the UI thread without the worker.
 * Maps are returned unnormalised at feature resolution; the shared `localize`
 * upsamples, min-max normalises and draws the boxes, as for GenPromp.
 * Sums run in float64: the Python reference does the same, so parity is ~1e-7.
 */

/** Channel-first features without the batch axis: data[k·h·w + y·w + x]. */
export interface FeatureMap {
  data: Float32Array;
  /** [channels, height, width] */
  dims: [number, number, number];
}

const COS_EPS = 1e-8;

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

/** SAT's map: the mean of the SQA blocks' masks, or one block (`block` = index into the exported blocks). */
export function satMap(blockMaps: FeatureMap, block: number | 'mean'): Float32Array {
  const [B, h, w] = blockMaps.dims;
  const n = h * w;
  if (block !== 'mean') {
    if (!Number.isInteger(block) || block < 0 || block >= B) throw new RangeError(`SAT: block ${block} is not one of the ${B} exported blocks`);
    return blockMaps.data.slice(block * n, (block + 1) * n);
  }
  const acc = new Float64Array(n);
  for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) acc[i]! += blockMaps.data[b * n + i]!;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = acc[i]! / B;
  return out;
}
