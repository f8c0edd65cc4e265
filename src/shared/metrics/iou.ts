/**
 * Box overlaps with inclusive pixel areas, (x1−x0+1)(y1−y0+1), as every reference evaluator
 * computes them (TS-CAM, GenPromp, wsolevaluation). Values are exact doubles of integer ratios, so they compare
 * equal to the Python ones.
 */
import type { Box } from '../postprocess/types';

const area = (b: Readonly<Box>) => (b[2] - b[0] + 1) * (b[3] - b[1] + 1);

function intersection(a: Readonly<Box>, b: Readonly<Box>): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + 1;
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + 1;
  return Math.max(w, 0) * Math.max(h, 0);
}

/** Intersection over union; 0 for degenerate pairs (denominator ≤ 0), as wsolevaluation. */
export function iou(a: Readonly<Box>, b: Readonly<Box>): number {
  const inter = intersection(a, b);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Intersection over the ground-truth box's area, |P∩G| / |G|. */
export function iog(pred: Readonly<Box>, gt: Readonly<Box>): number {
  return intersection(pred, gt) / area(gt);
}

/** Intersection over the predicted box's area, |P∩G| / |P| (TS-CAM's "iob"). */
export function iop(pred: Readonly<Box>, gt: Readonly<Box>): number {
  return intersection(pred, gt) / area(pred);
}

/**
 * Best ground-truth match, as TS-CAM's `cls_loc_err`: the first GT whose IoU is strictly the
 * largest; `index` is 0 (and `iou` 0) when nothing overlaps or there is no GT box.
 */
export function bestMatch(pred: Readonly<Box>, gts: readonly Readonly<Box>[]): { iou: number; index: number } {
  let best = { iou: 0, index: 0 };
  gts.forEach((g, index) => {
    const v = iou(pred, g);
    if (v > best.iou) best = { iou: v, index };
  });
  return best;
}

/** Largest IoU of a box against any ground-truth box (0 when there is none). */
export function maxIou(pred: Readonly<Box>, gts: readonly Readonly<Box>[]): number {
  return bestMatch(pred, gts).iou;
}
