/**
 * SAT (Wu et al., ICCV 2023), matching python/wsolkit/baselines.py: the map is the
 * spatial token's attention mask, averaged over the spatial-query-attention blocks.
 */
import type { FeatureMap } from '../tensor';

/** SAT's map: the mean of the SQA blocks' masks, or one block (`block` = index into the exported blocks). */
export function satMap(blockMaps: FeatureMap, block: number | 'mean'): Float32Array {
  const [B, h, w] = blockMaps.dims;
  const n = h * w;
  if (block !== 'mean') {
    if (!Number.isInteger(block) || block < 0 || block >= B)
      throw new RangeError(`SAT: block ${block} is not one of the ${B} exported blocks`);
    return blockMaps.data.slice(block * n, (block + 1) * n);
  }
  const acc = new Float64Array(n);
  for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) acc[i]! += blockMaps.data[b * n + i]!;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = acc[i]! / B;
  return out;
}
