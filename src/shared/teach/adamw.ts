/**
 * AdamW in PyTorch's order (torch.optim.AdamW): decoupled weight decay first, then the moments,
 * then the bias-corrected step. The teaching trainers follow PyTorch references step by step, so
 * the order matters, not only the maths.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamWConfig {
  lr: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export const ADAMW_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** Moments for `params`, zero, not trainable; dispose them with the params. */
export function adamwMoments(params: tf.Variable[]): { m: tf.Variable[]; s: tf.Variable[] } {
  return tf.tidy(() => ({
    m: params.map((p) => tf.variable(tf.zerosLike(p), false)),
    s: params.map((p) => tf.variable(tf.zerosLike(p), false)),
  }));
}

/** One update of every param from its gradient; `step` counts from 1. Call inside tf.tidy. */
export function adamwStep(
  params: tf.Variable[],
  grads: tf.NamedTensorMap,
  moments: { m: tf.Variable[]; s: tf.Variable[] },
  step: number,
  c: AdamWConfig,
): void {
  const c1 = 1 - c.beta1 ** step;
  const c2Sqrt = Math.sqrt(1 - c.beta2 ** step);
  params.forEach((v, i) => {
    const g = grads[v.name]!;
    const m = moments.m[i]!;
    const s = moments.s[i]!;
    v.assign(tf.mul(v, 1 - c.lr * c.weightDecay));
    m.assign(tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1)));
    s.assign(tf.add(tf.mul(s, c.beta2), tf.mul(tf.square(g), 1 - c.beta2)));
    const denom = tf.add(tf.div(tf.sqrt(s), c2Sqrt), c.eps);
    v.assign(tf.sub(v, tf.mul(tf.div(m, denom), c.lr / c1)));
  });
}
