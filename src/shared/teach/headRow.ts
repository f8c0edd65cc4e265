/**
 * Teach the classifier a new class: one new row of its linear head, trained with tfjs on
 * pooled classifier features while the C existing rows stay frozen.
 *
 * A pooled feature f [D] gets the frozen logits W f + b [C] and the new class's w·f + c. The
 * loss is softmax cross-entropy over the C + 1 classes, averaged over the positives (label C)
 * and over the negatives (their own labels) separately, then the two means averaged, so five
 * dropped images weigh as much as a bank of hundreds. Full batch; AdamW with PyTorch's update
 * order (decoupled weight decay first) on w and c, from zeros.
 *
 * The Python reference is `python/wsolkit/teach.py`; `fixtures/golden/teach-head-row.json`
 * (`python/scripts/write_teach_golden.py`) holds its loss at every step, which this follows.
 * Backend-agnostic: the caller registers and selects a tfjs backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type AdamWConfig, adamwMoments, adamwStep } from './adamw';
// The core package registers no gradients; autodiff needs them (the tfjs umbrella package imports this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { EngineError } from '../errors';

export interface HeadRowConfig extends AdamWConfig {
  steps: number;
}

export const DEFAULT_HEAD_ROW_CONFIG: HeadRowConfig = { steps: 100, lr: 0.05, weightDecay: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export interface HeadRowData {
  /** Frozen head, row-major [classes, dim], and its bias [classes]. */
  weight: Float32Array;
  bias: Float32Array;
  classes: number;
  dim: number;
  /** Pooled features of the new class's images, row-major [P, dim]. */
  positives: Float32Array;
  /** Pooled features of other classes' images [N, dim] and their classes [N], each in [0, classes). */
  negatives: Float32Array;
  negativeLabels: Int32Array;
}

export interface HeadRowResult {
  row: Float32Array;
  bias: number;
  /** The loss before each step taken (the loss whose gradient that step followed). */
  losses: number[];
  cancelled: boolean;
}

/** Called after each step with its loss; return false to stop (the row learned so far is kept). */
export type HeadRowProgress = (step: number, loss: number) => boolean | undefined;

function check(d: HeadRowData): { p: number; n: number } {
  const bad = (what: string) => {
    throw new EngineError('InvalidInput', `Teaching a new class: ${what}.`);
  };
  if (!(d.classes > 0 && d.dim > 0)) bad(`the head has ${d.classes} classes of ${d.dim} features`);
  if (d.weight.length !== d.classes * d.dim) bad(`the head has ${d.weight.length} weights, not ${d.classes} × ${d.dim}`);
  if (d.bias.length !== d.classes) bad(`the head has ${d.bias.length} biases, not ${d.classes}`);
  if (d.positives.length === 0 || d.positives.length % d.dim !== 0)
    bad(`the new class's features are not a non-empty list of ${d.dim}-vectors`);
  if (d.negatives.length % d.dim !== 0 || d.negatives.length / d.dim !== d.negativeLabels.length) {
    bad(`${d.negatives.length / d.dim} negative features but ${d.negativeLabels.length} labels`);
  }
  if (d.negativeLabels.length === 0) bad('no negatives (other classes’ features) to learn against');
  for (const l of d.negativeLabels) if (!(l >= 0 && l < d.classes)) bad(`a negative is labelled ${l}, outside 0…${d.classes - 1}`);
  return { p: d.positives.length / d.dim, n: d.negativeLabels.length };
}

export async function trainHeadRow(
  data: HeadRowData,
  config: HeadRowConfig = DEFAULT_HEAD_ROW_CONFIG,
  onStep?: HeadRowProgress,
): Promise<HeadRowResult> {
  const { p, n } = check(data);
  const { classes: C, dim: D } = data;
  // Frozen inputs (tidy frees the temporaries that build them).
  const { W, b, pos, neg, posTarget, negTarget } = tf.tidy(() => ({
    W: tf.tensor2d(data.weight, [C, D]),
    b: tf.tensor1d(data.bias),
    pos: tf.tensor2d(data.positives, [p, D]),
    neg: tf.tensor2d(data.negatives, [n, D]),
    posTarget: tf.oneHot(tf.fill([p], C, 'int32') as tf.Tensor1D, C + 1),
    negTarget: tf.oneHot(tf.tensor1d(data.negativeLabels, 'int32'), C + 1),
  }));
  // Trained: the new row [D, 1] and its bias, with AdamW's moments. Unnamed: concurrent runs must not clash.
  const [row, rowBias] = tf.tidy(() => [tf.variable(tf.zeros([D, 1])), tf.variable(tf.scalar(0))]) as tf.Variable[];
  const params = [row!, rowBias!];
  const moments = adamwMoments(params);

  const crossEntropy = (f: tf.Tensor, target: tf.Tensor) => {
    const logits = tf.concat([tf.add(tf.matMul(f, W, false, true), b), tf.add(tf.matMul(f, row!), rowBias!)], 1); // [k, C + 1]
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1)));
  };
  const loss = () => tf.div(tf.add(crossEntropy(pos, posTarget), crossEntropy(neg, negTarget)), 2) as tf.Scalar;

  const losses: number[] = [];
  let cancelled = false;
  try {
    for (let step = 1; step <= config.steps; step++) {
      const value = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss, params);
        adamwStep(params, grads, moments, step, config);
        return value;
      });
      const l = (await value.data())[0]!;
      value.dispose();
      losses.push(l);
      if (onStep?.(step, l) === false) {
        cancelled = step < config.steps;
        break;
      }
    }
    return { row: (await row!.data()) as Float32Array, bias: (await rowBias!.data())[0]!, losses, cancelled };
  } finally {
    tf.dispose([W, b, pos, neg, posTarget, negTarget, ...params, ...moments.m, ...moments.s]);
  }
}
