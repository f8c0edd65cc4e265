/**
 * One image's IoU against the map threshold τ: the per-image view of wsolevaluation's
 * BoxAcc(τ) curve. Boxes are drawn by the same code and rules as the app's live box
 * (`boxesFromMap`): float32 `uint8(map·255)`, pixels > int(τ·max), then the largest
 * contour's box under TS-CAM's rule or every contour's box under wsolevaluation's V2 rule.
 */
import { boxesAtThresholds, TSCAM_BOX_RULE, WSOL_V2_BOX_RULE } from '../postprocess/boxes';
import type { Box } from '../postprocess/types';
import { boxIouCurve, thresholdGrid } from './boxAcc';

/** wsolevaluation's standalone CLI step (`cam_curve_interval`). */
export const TAU_CURVE_STEP = 0.01;

/** BoxAcc thresholds δ of MaxBoxAccV2. */
export const BOX_ACC_DELTAS = [0.3, 0.5, 0.7] as const;

export interface TauCurve {
  /** np.arange(0, 1, step). */
  taus: Float64Array;
  /** Best IoU of any predicted box with any GT box, per τ. */
  ious: Float64Array;
  /** First τ index reaching the largest IoU (np.argmax). */
  bestIndex: number;
}

/**
 * The IoU-vs-τ curve of a min-max normalised frame map (`map01`, height×width) against GT
 * boxes in the same frame. `region` is the app's box mode: 'largest' (V1 / GenPromp / TS-CAM)
 * or 'all' (V2).
 */
export function iouTauCurve(
  map01: Float32Array,
  height: number,
  width: number,
  gtBoxes: readonly Readonly<Box>[],
  region: 'largest' | 'all',
  step = TAU_CURVE_STEP,
): TauCurve {
  const taus = thresholdGrid(step);
  const rule = region === 'largest' ? TSCAM_BOX_RULE : WSOL_V2_BOX_RULE;
  const ious = boxIouCurve(boxesAtThresholds(map01, height, width, taus, rule, 'float32'), gtBoxes);
  let bestIndex = 0;
  for (let i = 1; i < ious.length; i++) if (ious[i] > ious[bestIndex]) bestIndex = i;
  return { taus, ious, bestIndex };
}

/** Whether the IoU at the current τ reaches each δ (one image's BoxAcc, 0 or 1). */
export function boxAccHits(iou: number, deltas: readonly number[] = BOX_ACC_DELTAS): boolean[] {
  return deltas.map((d) => iou >= d);
}
