/**
 * MaxBoxAcc (V1) and MaxBoxAccV2, following wsolevaluation's `BoxEvaluator`:
 * BoxAcc(τ, δ) = share of images whose best (box, GT) IoU at map threshold τ is ≥ δ;
 * MaxBoxAcc(δ) = max over τ; MaxBoxAccV2 = mean over δ ∈ {0.3, 0.5, 0.7} with all contours.
 */
import { boxesAtThresholds, WSOL_V1_BOX_RULE, WSOL_V2_BOX_RULE } from '../postprocess/boxes';
import type { Box } from '../postprocess/types';
import { iou } from './iou';

/** `np.arange(0, 1, step)`: numpy's length ceil(1/step) and values i·step. */
export function thresholdGrid(step: number): Float64Array {
  return Float64Array.from({ length: Math.ceil(1 / step) }, (_, i) => i * step);
}

/** Per τ, the best IoU between any predicted box and any GT box (one image's IoU-vs-τ curve). */
export function boxIouCurve(boxesByTau: readonly (readonly Readonly<Box>[])[], gtBoxes: readonly Readonly<Box>[]): Float64Array {
  return Float64Array.from(boxesByTau, (boxes) => {
    let best = 0;
    for (const b of boxes) for (const g of gtBoxes) best = Math.max(best, iou(b, g));
    return best;
  });
}

export interface BoxAccOptions {
  /** τ grid step: 0.001 in wsolevaluation's training config, 0.01 in its CLI (default). */
  step?: number;
  /** IoU thresholds δ: [0.3, 0.5, 0.7] for V2 (default), [0.5] for V1. */
  iouThresholds?: readonly number[];
  /** 'all' contours (V2, `multi_contour_eval`, default) or the 'largest' one (V1). */
  region?: 'all' | 'largest';
}

export interface BoxAccResult {
  taus: Float64Array;
  iouThresholds: readonly number[];
  /** BoxAcc(τ, δ) in %, one curve per δ. */
  curves: Float64Array[];
  /** max over τ per δ, in %. */
  maxBoxAcc: number[];
  /** The first τ reaching that max, per δ (np.argmax). */
  bestTau: number[];
  /** Mean of `maxBoxAcc` over δ: MaxBoxAccV2 with the defaults (wsolevaluation's "localization"). */
  mean: number;
  count: number;
}

type BoxesByTau = readonly (readonly Readonly<Box>[])[];

/** wsolevaluation's `num_correct[δ][τ] += 1` for one image's IoU curve. */
function countHits(hits: Float64Array[], deltas: readonly number[], curve: ArrayLike<number>): void {
  deltas.forEach((delta, d) => {
    for (let t = 0; t < curve.length; t++) if (curve[t] >= delta) hits[d][t]++;
  });
}

/** `num_correct * 100. / cnt`, then max over τ per δ and the mean over δ (np.average). */
function summarize(hits: Float64Array[], count: number) {
  const curves = hits.map((h) => Float64Array.from(h, (k) => (count === 0 ? 0 : (k * 100) / count)));
  const best = curves.map((c) => c.reduce((bi, v, i) => (v > c[bi] ? i : bi), 0));
  const maxBoxAcc = curves.map((c, d) => c[best[d]] ?? 0);
  return { curves, best, maxBoxAcc, mean: maxBoxAcc.reduce((s, v) => s + v, 0) / maxBoxAcc.length };
}

/** Incremental BoxEvaluator: `add` one image at a time, then read `result()`. */
export class BoxAccumulator {
  readonly taus: Float64Array;
  readonly iouThresholds: readonly number[];
  readonly region: 'all' | 'largest';
  private readonly hits: Float64Array[];
  private count = 0;

  constructor({ step = 0.01, iouThresholds = [0.3, 0.5, 0.7], region = 'all' }: BoxAccOptions = {}) {
    this.taus = thresholdGrid(step);
    this.iouThresholds = [...iouThresholds];
    this.region = region;
    this.hits = this.iouThresholds.map(() => new Float64Array(this.taus.length));
  }

  /**
   * Adds one image: `map01` is its score map min-max normalised to [0, 1] (wsolevaluation's
   * `normalize_scoremap`, here `normalizeMinMax`), `gtBoxes` in the map's frame.
   * Returns the image's IoU-vs-τ curve.
   */
  add(map01: Float32Array, height: number, width: number, gtBoxes: readonly Readonly<Box>[]): Float64Array {
    const rule = this.region === 'all' ? WSOL_V2_BOX_RULE : WSOL_V1_BOX_RULE;
    const curve = boxIouCurve(boxesAtThresholds(map01, height, width, this.taus, rule), gtBoxes);
    this.addCurve(curve);
    return curve;
  }

  /** Adds an image's precomputed IoU-vs-τ curve (same τ grid). */
  addCurve(curve: ArrayLike<number>): void {
    if (curve.length !== this.taus.length) throw new RangeError('addCurve: curve does not match the τ grid');
    countHits(this.hits, this.iouThresholds, curve);
    this.count++;
  }

  result(): BoxAccResult {
    const { curves, best, maxBoxAcc, mean } = summarize(this.hits, this.count);
    const bestTau = best.map((i) => this.taus[i]);
    return { taus: this.taus, iouThresholds: this.iouThresholds, curves, maxBoxAcc, bestTau, mean, count: this.count };
  }
}

function hitsOf(perImageBoxesByTau: readonly BoxesByTau[], gtBoxes: readonly (readonly Readonly<Box>[])[], deltas: readonly number[]) {
  const hits = deltas.map(() => new Float64Array(perImageBoxesByTau[0]?.length ?? 0));
  for (const [n, boxes] of perImageBoxesByTau.entries()) countHits(hits, deltas, boxIouCurve(boxes, gtBoxes[n] ?? []));
  return summarize(hits, perImageBoxesByTau.length);
}

/** BoxAcc(τ, δ) curves in %, from per-image boxes at every τ (`perImageBoxesByTau[image][τ]`). */
export function boxAccCurves(
  perImageBoxesByTau: readonly BoxesByTau[],
  gtBoxes: readonly (readonly Readonly<Box>[])[],
  deltas: readonly number[] = [0.3, 0.5, 0.7],
): Float64Array[] {
  return hitsOf(perImageBoxesByTau, gtBoxes, deltas).curves;
}

/**
 * MaxBoxAcc per δ and their mean, from per-image boxes at every τ: MaxBoxAccV2 for all-contour
 * boxes and the default δs, MaxBoxAcc (V1) for largest-contour boxes and δ = [0.5].
 */
export function maxBoxAccV2(
  perImageBoxesByTau: readonly BoxesByTau[],
  gtBoxes: readonly (readonly Readonly<Box>[])[],
  deltas: readonly number[] = [0.3, 0.5, 0.7],
): { maxBoxAcc: number[]; mean: number } {
  const { maxBoxAcc, mean } = hitsOf(perImageBoxesByTau, gtBoxes, deltas);
  return { maxBoxAcc, mean };
}
