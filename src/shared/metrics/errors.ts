/** TS-CAM's top-1 error analysis, verbatim in GenPromp (`get_badcase_detail`). */
import type { Box } from '../postprocess/types';
import { bestMatch, iog, iop } from './iou';

export type ErrorCategory = 'Cls' | 'Right' | 'M-Ins' | 'Part' | 'More' | 'Wrong';

/** Every category, in the order they are tested. */
export const ERROR_CATEGORIES: readonly ErrorCategory[] = ['Cls', 'Right', 'M-Ins', 'Part', 'More', 'Wrong'];

export interface ErrorCase {
  /** The top-1 class is the ground-truth class. */
  top1Correct: boolean;
  /** Box drawn from the top-1 class's map. */
  predBox: Readonly<Box>;
  gtBoxes: readonly Readonly<Box>[];
}

/**
 * The first matching category: Cls (class wrong) → Right (IoU > 0.5) → M-Ins (> 1 GT box has
 * IoG > 0.3) → Part (IoP > 0.5 with the best-IoU GT box) → More (IoG ≥ 0.7 with it) → Wrong.
 */
export function errorCategory({ top1Correct, predBox, gtBoxes }: ErrorCase): ErrorCategory {
  if (!top1Correct) return 'Cls';
  const best = bestMatch(predBox, gtBoxes);
  if (best.iou > 0.5) return 'Right';
  if (gtBoxes.length > 1 && gtBoxes.filter((g) => iog(predBox, g) > 0.3).length > 1) return 'M-Ins';
  const gt = gtBoxes[best.index];
  if (gt === undefined) return 'Wrong';
  if (iop(predBox, gt) > 0.5) return 'Part';
  if (iog(predBox, gt) >= 0.7) return 'More';
  return 'Wrong';
}
