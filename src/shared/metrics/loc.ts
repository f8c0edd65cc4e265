/** Classic CAM-lineage dataset metrics (IoU ≥ 0.5 with the GT box): Top-1/Top-5 Cls and Loc, GT-known Loc. */
import type { Box } from '../postprocess/types';
import { ERROR_CATEGORIES, errorCategory, type ErrorCategory } from './errors';
import { maxIou } from './iou';

/** One evaluated image. */
export interface LocRecord {
  gtLabel: number;
  /** Predicted classes, best first (at least the top 5 for Top-5 metrics). */
  predLabels: readonly number[];
  /** Box from the ground-truth class's map (the only map any Loc metric reads). */
  box: Readonly<Box>;
  gtBoxes: readonly Readonly<Box>[];
}

export interface LocOptions {
  /**
   * IoU test for Top-1/Top-5 Loc: '>' in GenPromp / TS-CAM, '>=' in SAT and wsolevaluation.
   * GT-known Loc always uses '≥', as all three codebases do.
   */
  iouCompare: '>=' | '>';
  /** Default 0.5. */
  iouThreshold?: number;
}

/** Percentages (0–100) over the records. */
export interface LocMetrics {
  count: number;
  top1Cls: number;
  top5Cls: number;
  gtKnownLoc: number;
  top1Loc: number;
  top5Loc: number;
  /** Share of each top-1 error category (TS-CAM's Correct/Part/More/Wrong/Multi-instance analysis). */
  errors: Record<ErrorCategory, number>;
}

/**
 * Dataset localisation metrics. A Top-k Loc hit needs the GT class in the top k and the
 * GT-class box to pass the IoU test; since the box for that class is the GT-class box, one box
 * per image suffices.
 */
export function locMetrics(records: readonly LocRecord[], { iouCompare, iouThreshold = 0.5 }: LocOptions): LocMetrics {
  const passes = (v: number) => (iouCompare === '>' ? v > iouThreshold : v >= iouThreshold);
  const hits = { top1Cls: 0, top5Cls: 0, gtKnownLoc: 0, top1Loc: 0, top5Loc: 0 };
  const errorCounts = Object.fromEntries(ERROR_CATEGORIES.map((c) => [c, 0])) as Record<ErrorCategory, number>;
  for (const r of records) {
    const top1 = r.predLabels[0] === r.gtLabel;
    const top5 = r.predLabels.slice(0, 5).includes(r.gtLabel);
    const best = maxIou(r.box, r.gtBoxes);
    hits.top1Cls += +top1;
    hits.top5Cls += +top5;
    hits.gtKnownLoc += +(best >= iouThreshold);
    hits.top1Loc += +(top1 && passes(best));
    hits.top5Loc += +(top5 && passes(best));
    errorCounts[errorCategory({ top1Correct: top1, predBox: r.box, gtBoxes: r.gtBoxes })]++;
  }
  const n = records.length;
  const pct = (k: number) => (n === 0 ? 0 : (100 * k) / n);
  const errors = Object.fromEntries(ERROR_CATEGORIES.map((c) => [c, pct(errorCounts[c])])) as Record<ErrorCategory, number>;
  return {
    count: n,
    top1Cls: pct(hits.top1Cls),
    top5Cls: pct(hits.top5Cls),
    gtKnownLoc: pct(hits.gtKnownLoc),
    top1Loc: pct(hits.top1Loc),
    top5Loc: pct(hits.top5Loc),
    errors,
  };
}
