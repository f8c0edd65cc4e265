import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goldenUrl } from '../postprocess/golden.testutil';
import type { Box } from '../postprocess/types';
import type { ErrorCategory } from './errors';
import { failureType, representativeBox } from './failure';

describe('failureType (TS-CAM rules, class taken as right)', () => {
  const gt: Box = [10, 10, 49, 49];
  it('Correct above IoU 0.5', () => {
    expect(failureType([[12, 12, 50, 50]], [gt])).toBe('Correct');
  });
  it('Part: a box mostly inside the object', () => {
    expect(failureType([[20, 20, 29, 29]], [gt])).toBe('Part');
  });
  it('More: a box covering the object and much more', () => {
    expect(failureType([[0, 0, 99, 99]], [gt])).toBe('More');
  });
  it('Wrong: a box elsewhere', () => {
    expect(failureType([[60, 60, 90, 90]], [gt])).toBe('Wrong');
  });
  it('Multi-instance: one box over two objects', () => {
    expect(
      failureType(
        [[0, 0, 99, 49]],
        [
          [5, 5, 40, 45],
          [55, 5, 95, 45],
        ],
      ),
    ).toBe('Multi-instance');
  });
  it('no box or no GT: no type', () => {
    expect(failureType([], [gt])).toBeNull();
    expect(failureType([[0, 0, 5, 5]], [])).toBeNull();
  });
  it('with several predicted boxes, the best-matching one stands for the image', () => {
    const boxes: Box[] = [
      [60, 60, 90, 90],
      [12, 12, 50, 50],
    ];
    expect(representativeBox(boxes, [gt])).toEqual([12, 12, 50, 50]);
    expect(failureType(boxes, [gt])).toBe('Correct');
  });
});

describe('vs GenPromp get_badcase_detail (golden records with the right class)', () => {
  const golden = JSON.parse(readFileSync(goldenUrl('loc_metrics.json'), 'utf8')) as {
    records: { box: Box; gtBoxes: Box[]; predLabels: number[]; gtLabel: number }[];
    categories: ErrorCategory[];
  };
  const names: Record<string, string> = { Right: 'Correct', 'M-Ins': 'Multi-instance', Part: 'Part', More: 'More', Wrong: 'Wrong' };
  const rightClass = golden.records.map((r, i) => ({ r, want: golden.categories[i]! })).filter(({ want }) => want !== 'Cls');
  it('covers every category', () => {
    expect(new Set(rightClass.map(({ want }) => want)).size).toBe(5);
  });
  it('names the same category for every record', () => {
    expect(rightClass.map(({ r }) => failureType([r.box], r.gtBoxes))).toEqual(rightClass.map(({ want }) => names[want]));
  });
});
