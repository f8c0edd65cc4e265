/**
 * The protocol lesson of the gallery benchmark (Choe et al., "Evaluating WSOL Right", CVPR 2020):
 * the threshold τ is a hyperparameter, so it must be chosen on held-out validation images and
 * reported on test images. Choosing it on the test images themselves, which is what MaxBoxAccV2
 * computed on a test set does, reports a number that no user of the method could reproduce on
 * new images.
 *
 * Per δ ∈ {0.3, 0.5, 0.7}: τ_δ = the first argmax of BoxAcc(τ, δ) on validation; the honest score
 * is the mean over δ of test BoxAcc(τ_δ, δ); the inflated score is test MaxBoxAccV2 (per-δ max
 * over τ on test). The split is a seeded shuffle of the images' names, so it does not depend on
 * the gallery's order and is the same in every browser.
 */
import { mulberry32 } from '../random/map';
import { BoxAccumulator, type BoxAccResult } from './boxAcc';
import { BOX_ACC_DELTAS, TAU_CURVE_STEP } from './tauCurve';

/** Seed of the gallery's validation/test split (documented in docs/architecture.md). */
export const GALLERY_SPLIT_SEED = 13;

export interface GallerySplit {
  /** Indices into the list that was split, ascending. */
  validation: number[];
  test: number[];
}

/**
 * Splits images by name: names sorted, shuffled with mulberry32(seed) (Fisher–Yates), the first
 * ⌈n/2⌉ are validation. Duplicate names are refused (the split would depend on order).
 */
export function splitGallery(names: readonly string[], seed = GALLERY_SPLIT_SEED): GallerySplit {
  if (new Set(names).size !== names.length) throw new RangeError('splitGallery: image names must be unique');
  const order = names.map((_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  const rand = mulberry32(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const half = Math.ceil(order.length / 2);
  return { validation: order.slice(0, half).sort((a, b) => a - b), test: order.slice(half).sort((a, b) => a - b) };
}

/** BoxAcc over a subset of images from their IoU-vs-τ curves (all-contour boxes for V2). */
export function boxAccOf(curves: readonly ArrayLike<number>[], indices: readonly number[], step = TAU_CURVE_STEP): BoxAccResult {
  const acc = new BoxAccumulator({ step, iouThresholds: BOX_ACC_DELTAS, region: 'all' });
  for (const i of indices) acc.addCurve(curves[i]!);
  return acc.result();
}

/** Mean over δ of BoxAcc(τ, δ), in %: the one curve per method the benchmark plots. */
export function meanBoxAccCurve(r: BoxAccResult): Float64Array {
  return Float64Array.from(r.taus, (_, t) => r.curves.reduce((s, c) => s + c[t]!, 0) / r.curves.length);
}

export interface ProtocolLesson {
  /** τ_δ chosen on validation, per δ. */
  validationTaus: number[];
  /** Validation MaxBoxAccV2 (the score that chose τ). */
  validationScore: number;
  /** Mean over δ of test BoxAcc at the validation τ_δ: the number to report. */
  testAtValidationTau: number;
  /** τ_δ chosen on test, per δ. */
  testTaus: number[];
  /** Test MaxBoxAccV2: τ tuned on the test images themselves. */
  testAtTestTau: number;
  /** testAtTestTau − testAtValidationTau (≥ 0), in points. */
  inflation: number;
}

/** The protocol lesson for one method from its per-image IoU-vs-τ curves (all on one τ grid). */
export function protocolLesson(curves: readonly ArrayLike<number>[], split: GallerySplit, step = TAU_CURVE_STEP): ProtocolLesson {
  if (split.validation.length === 0 || split.test.length === 0)
    throw new RangeError('protocolLesson: the split needs at least one validation and one test image');
  const val = boxAccOf(curves, split.validation, step);
  const test = boxAccOf(curves, split.test, step);
  const tauIndex = (tau: number) => Math.round(tau / step);
  const honest = test.curves.reduce((s, c, d) => s + c[tauIndex(val.bestTau[d]!)]!, 0) / test.curves.length;
  return {
    validationTaus: val.bestTau,
    validationScore: val.mean,
    testAtValidationTau: honest,
    testTaus: test.bestTau,
    testAtTestTau: test.mean,
    inflation: test.mean - honest,
  };
}
