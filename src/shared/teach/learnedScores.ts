/**
 * A learned class's place among the pack's classes, on the UI thread: its logit is its head row ·
 * the pooled feature map + its bias, beside the classifier's own logits (the pack's head reads the
 * same pooled features: logits = W · mean(f) + b), and the top-5 is the softmax over all of them.
 */
import type { ClassScore, LearnedClass } from '../api';
import type { ClassEntry } from '../manifest';
import type { FeatureMap } from '../tensor';

/** Mean of each channel over positions: [K, h, w] → [K], what a GAP head reads (sums in float64). */
export function poolFeatures(f: FeatureMap): Float32Array {
  const [K, h, w] = f.dims;
  const n = h * w;
  const out = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += f.data[k * n + i]!;
    out[k] = sum / n;
  }
  return out;
}

/** The logit of each taught class (index order), from the pooled features. */
export function learnedLogits(pooled: Float32Array, learned: readonly LearnedClass[]): number[] {
  return learned.map((c) => {
    if (!c.head) return Number.NEGATIVE_INFINITY; // taught to GenPromp only: never the classifier's pick
    if (c.head.row.length !== pooled.length) {
      throw new RangeError(`"${c.name}" has a head row of ${c.head.row.length} values, the features ${pooled.length}`);
    }
    let z = c.head.bias;
    for (let k = 0; k < pooled.length; k++) z += c.head.row[k]! * pooled[k]!;
    return z;
  });
}

/** Softmax top-k over the pack's logits and the learned classes' (which get the indices after the pack's). */
export function topKWithLearned(
  classes: readonly ClassEntry[],
  logits: Float32Array,
  extra: readonly number[],
  learned: readonly LearnedClass[],
  k = 5,
): ClassScore[] {
  const all = [...logits, ...extra];
  const max = Math.max(...all);
  const exp = all.map((z) => (Number.isFinite(z) ? Math.exp(z - max) : 0));
  const total = exp.reduce((a, b) => a + b, 0);
  const order = all.map((_, i) => i).sort((a, b) => exp[b]! - exp[a]! || a - b);
  return order.slice(0, Math.min(k, all.length)).map((i): ClassScore => {
    if (i < classes.length) return { index: i, name: classes[i]!.name, displayName: classes[i]!.displayName, probability: exp[i]! / total };
    const c = learned[i - classes.length]!;
    return { index: c.index, name: c.name, displayName: c.name, probability: exp[i]! / total, learned: true };
  });
}
