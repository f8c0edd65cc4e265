/** The tour's content: 6–8 steps in teaching order, two sentences each, lessons that parse. */
import { describe, expect, it } from 'vitest';
import { LESSON_FIELDS } from '../../app/lessonLink/fields';
import { decodeHash, LESSON_VERSION } from '../../app/lessonLink/hash';
import { TOUR_STEPS } from './steps';

describe('tour steps', () => {
  it('go CAM → threshold → box → IoU → τ curve → GenPromp → λ strip → t × resolution grid', () => {
    expect(TOUR_STEPS.map((s) => s.id)).toEqual(['cam', 'threshold', 'box', 'iou', 'tau-curve', 'genpromp', 'lambda', 'grid']);
  });

  it.each(TOUR_STEPS.map((s) => [s.id, s] as const))('%s says it in two sentences and sets a lesson that parses', (_id, step) => {
    const sentences = step.text.split(/(?<=[.!?])\s+(?=[A-Zτλ“])/);
    expect(sentences).toHaveLength(2);
    expect(step.text.endsWith('.')).toBe(true);
    const { values, problems } = decodeHash(`v=${LESSON_VERSION}&${step.lesson}`, LESSON_FIELDS);
    expect(problems).toEqual([]);
    expect(values.size).toBeGreaterThan(0);
    expect(step.targets.length).toBeGreaterThan(0);
  });
});
