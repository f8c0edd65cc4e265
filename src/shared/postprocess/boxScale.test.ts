import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scaleBox, scaleGtBox } from './boxScale';
import { goldenUrl } from './golden.testutil';
import type { Box } from './types';

interface Golden {
  cases: { box: Box; imageHW: [number, number]; frameHW: [number, number]; genpromp: Box; wsolevaluation: Box }[];
}
const golden = JSON.parse(readFileSync(goldenUrl('box_scale.json'), 'utf8')) as Golden;

describe('scaleGtBox', () => {
  it('matches GenPromp test_pipeline (÷W·size, clip, int)', () => {
    for (const c of golden.cases) expect(scaleGtBox(c.box, c.imageHW, c.frameHW)).toEqual(c.genpromp);
  });
  it('matches wsolevaluation resize_bbox (int(x·size/W))', () => {
    for (const c of golden.cases) expect(scaleGtBox(c.box, c.imageHW, c.frameHW, 'wsolevaluation')).toEqual(c.wsolevaluation);
  });
});

describe('scaleBox', () => {
  it('maps frame boxes onto the original image and back', () => {
    const box: Box = [64, 128, 256, 512];
    const onImage = scaleBox(box, [512, 512], [300, 400]);
    expect(onImage).toEqual([50, 75, 200, 300]);
    expect(scaleBox(onImage, [300, 400], [512, 512])).toEqual(box);
  });
});
