/**
 * Score map → boxes, as the TS-CAM evaluator (GenPromp) and wsolevaluation draw them: OpenCV-style contours
 * of the thresholded map, then the largest one's bounding box (or every contour's).
 */
import { findContours, type Contour } from './contours';
import { normalizeMinMax } from './normalize';
import { binarize, maxLevel, thresholdLevel, toUint8, type Arithmetic } from './threshold';
import type { Box } from './types';

/** How contours become boxes; the three codebases differ in each field. */
export interface BoxRule {
  /** 'largest': the contour with the largest `contourArea`; 'all': one box per contour (V2). */
  region: 'largest' | 'all';
  /** wsolevaluation clips x1 ≤ W−1, y1 ≤ H−1; the TS-CAM evaluator keeps x+w, y+h. */
  clipToFrame: boolean;
  /** Returned (alone) when the mask has no contour. */
  emptyBox: Box;
}

/** GenPromp / TS-CAM `get_bboxes`: largest contour, unclipped, [0,0,1,1] when empty. */
export const TSCAM_BOX_RULE: Readonly<BoxRule> = { region: 'largest', clipToFrame: false, emptyBox: [0, 0, 1, 1] };
/** wsolevaluation MaxBoxAcc (V1, `multi_contour_eval=False`): largest contour, clipped, [0,0,0,0] when empty. */
export const WSOL_V1_BOX_RULE: Readonly<BoxRule> = { region: 'largest', clipToFrame: true, emptyBox: [0, 0, 0, 0] };
/** wsolevaluation MaxBoxAccV2 (`multi_contour_eval=True`): every contour, clipped, [0,0,0,0] when empty. */
export const WSOL_V2_BOX_RULE: Readonly<BoxRule> = { region: 'all', clipToFrame: true, emptyBox: [0, 0, 0, 0] };

/**
 * Python's `max(contours, key=cv2.contourArea)`: the first contour (in OpenCV's order) with the
 * largest area, so ties resolve exactly as in the reference evaluators.
 */
export function largestContour(contours: readonly Contour[]): Contour | undefined {
  let best: Contour | undefined;
  for (const c of contours) if (best === undefined || c.area > best.area) best = c;
  return best;
}

/** Boxes of a binary mask's contours under `rule` (never empty: see `BoxRule.emptyBox`). */
export function boxesFromMask(mask: Uint8Array, height: number, width: number, rule: Readonly<BoxRule>): Box[] {
  const contours = findContours(mask, height, width);
  const largest = largestContour(contours);
  if (largest === undefined) return [[...rule.emptyBox]];
  const chosen = rule.region === 'all' ? contours : [largest];
  return chosen.map(({ box: [x0, y0, x1, y1] }) =>
    rule.clipToFrame ? [x0, y0, Math.min(x1, width - 1), Math.min(y1, height - 1)] : [x0, y0, x1, y1],
  );
}

/**
 * Boxes of a raw score map at threshold τ, as the TS-CAM evaluator draws them: min-max
 * normalise (float32), `uint8(map·255)` (truncation), keep pixels > `int(τ·max)`, find contours.
 * 'largest' follows GenPromp (`TSCAM_BOX_RULE`: unclipped, [[0,0,1,1]] when empty);
 * 'all' follows wsolevaluation V2 (`WSOL_V2_BOX_RULE`: clipped to the frame, [[0,0,0,0]] when empty).
 */
export function boxesFromMap(map: Float32Array, height: number, width: number, tau: number, mode: 'largest' | 'all'): Box[] {
  const u8 = toUint8(normalizeMinMax(map));
  const mask = binarize(u8, thresholdLevel(tau, maxLevel(u8)));
  return boxesFromMask(mask, height, width, mode === 'largest' ? TSCAM_BOX_RULE : WSOL_V2_BOX_RULE);
}

/**
 * wsolevaluation `compute_bboxes_from_scoremaps`: boxes of a [0, 1] map at every τ in `taus`.
 * Masks are traced once per distinct uint8 cut, so fine τ grids cost at most 256 tracings.
 * `arithmetic` defaults to float64 because wsolevaluation's score maps are float64.
 */
export function boxesAtThresholds(
  map01: Float32Array,
  height: number,
  width: number,
  taus: ArrayLike<number>,
  rule: Readonly<BoxRule>,
  arithmetic: Arithmetic = 'float64',
): Box[][] {
  const u8 = toUint8(map01, arithmetic);
  const max = maxLevel(u8);
  const byLevel = new Map<number, Box[]>();
  return Array.from(taus, (tau) => {
    const level = thresholdLevel(tau, max);
    let boxes = byLevel.get(level);
    if (boxes === undefined) {
      boxes = boxesFromMask(binarize(u8, level), height, width, rule);
      byLevel.set(level, boxes);
    }
    return boxes;
  });
}
