/**
 * A per-image failure type by TS-CAM's error analysis (`get_badcase_detail`, verbatim in
 * GenPromp), for the map of the class the user chose: the class is taken as right, so the
 * "Cls" case never applies and the categories are Correct / Multi-instance / Part / More / Wrong.
 */
import type { Box } from '../postprocess/types';
import { errorCategory } from './errors';
import { iou } from './iou';

export type FailureType = 'Correct' | 'Multi-instance' | 'Part' | 'More' | 'Wrong';

const NAMES = { Right: 'Correct', 'M-Ins': 'Multi-instance', Part: 'Part', More: 'More', Wrong: 'Wrong' } as const;

/** One line per type, for tooltips and the explainer. */
export const FAILURE_MEANING: Readonly<Record<FailureType, string>> = {
  Correct: 'IoU > 0.5 with a ground-truth box',
  'Multi-instance': 'the box covers more than 0.3 of two or more ground-truth boxes (IoG > 0.3)',
  Part: 'over half of the box lies inside the object (IoP > 0.5): the box is too small',
  More: 'the box covers at least 0.7 of the object (IoG ≥ 0.7) and much more: too big',
  Wrong: 'none of the above: the box is elsewhere',
};

/**
 * TS-CAM scores one box per image. With several predicted boxes (V2) the one that matches
 * a GT box best (the first, on ties) stands for the image, as it sets the image's IoU.
 */
export function representativeBox(predBoxes: readonly Readonly<Box>[], gtBoxes: readonly Readonly<Box>[]): Readonly<Box> | undefined {
  let best: Readonly<Box> | undefined;
  let bestIou = -1;
  for (const p of predBoxes) {
    let v = 0;
    for (const g of gtBoxes) v = Math.max(v, iou(p, g));
    if (v > bestIou) {
      best = p;
      bestIou = v;
    }
  }
  return best;
}

/** The failure type of predicted boxes against GT boxes (null without a box or a GT box). */
export function failureType(predBoxes: readonly Readonly<Box>[], gtBoxes: readonly Readonly<Box>[]): FailureType | null {
  const predBox = representativeBox(predBoxes, gtBoxes);
  if (predBox === undefined || gtBoxes.length === 0) return null;
  const category = errorCategory({ top1Correct: true, predBox, gtBoxes });
  // 'Cls' cannot come back: the class is taken as right.
  return category === 'Cls' ? 'Wrong' : NAMES[category];
}
