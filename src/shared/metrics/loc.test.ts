import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goldenUrl } from '../postprocess/golden.testutil';
import { errorCategory, type ErrorCategory } from './errors';
import { maxIou } from './iou';
import { locMetrics, type LocMetrics, type LocRecord } from './loc';

interface Golden {
  records: LocRecord[];
  maxIou: number[];
  categories: ErrorCategory[];
  metrics: Record<'>' | '>=', Omit<LocMetrics, 'count' | 'errors'>>;
  errors: Record<ErrorCategory, number>;
}
const golden = JSON.parse(readFileSync(goldenUrl('loc_metrics.json'), 'utf8')) as Golden;

describe('vs TS-CAM / GenPromp cam.py', () => {
  it('max IoU per record (cal_iou)', () => {
    expect(golden.records.map((r) => maxIou(r.box, r.gtBoxes))).toEqual(golden.maxIou);
  });

  it('error category per record (get_badcase_detail)', () => {
    const got = golden.records.map((r) =>
      errorCategory({ top1Correct: r.predLabels[0] === r.gtLabel, predBox: r.box, gtBoxes: r.gtBoxes }),
    );
    expect(got).toEqual(golden.categories);
    expect(new Set(got).size).toBe(6); // every category occurs in the golden
  });

  for (const iouCompare of ['>', '>='] as const) {
    it(`locMetrics with IoU ${iouCompare} 0.5`, () => {
      const { count, errors, ...metrics } = locMetrics(golden.records, { iouCompare });
      expect(count).toBe(golden.records.length);
      expect(metrics).toEqual(golden.metrics[iouCompare]);
      expect(errors).toEqual(golden.errors);
    });
  }
});
