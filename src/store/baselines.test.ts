import { describe, expect, it } from 'vitest';
import type { ImageAnalysis, PackSummary } from '../shared/api';
import type { Manifest } from '../shared/manifest';
import { defaultParams, methodsForPack } from './actions';
import { baselineUnavailable, computeBaselineDisplay, resetBaselineCache, type BaselineRequest } from './baselines';
import { INITIAL_METHODS } from './index';
import type { LoadedImage } from './types';

// 2 channels on a 4×4 grid: channel 0 lights the top-left 2×2 block, channel 1 the bottom-right one.
const features = new Float32Array(2 * 16);
for (const i of [0, 1, 4, 5]) features[i] = 1;
for (const i of [10, 11, 14, 15]) features[16 + i] = 1;
features[16 + 5] = 1; // one mixed position: as similar to class 0's prototype as to its context
// SAT: block 0 lights the top-left block, blocks 1 and 2 the bottom-right one.
const blockMaps = new Float32Array(3 * 16);
for (const i of [0, 1, 4, 5]) blockMaps[i] = 0.9;
for (const b of [1, 2]) for (const i of [10, 11, 14, 15]) blockMaps[b * 16 + i] = 0.9;

const baselines = {
  cam: { featureOutput: 'features', head: { path: 'cam_head.f32', bytes: 16, sha256: '0'.repeat(64), dtype: 'float32', shape: [2, 2] } },
  lpcam: {
    prototypes: { path: 'p.f32', bytes: 16, sha256: '0'.repeat(64), dtype: 'float32', shape: [2, 2] },
    // class 0: prototype (1, 0), context (0, 1); class 1: prototype (0, 1), no context.
    ranges: [{ class: [0, 1], context: [1, 1] }, { class: [1, 1], context: [2, 0] }],
    settings: { k: 12, fgThreshold: 0.1, classThreshold: 0.9, contextLow: 0.05, imagesPerClass: 100, scales: [1], flip: false },
  },
  sat: { mapOutput: 'block_maps', blocks: [3, 4, 5], grid: 4 },
} as Manifest['baselines'];

const manifest = {
  id: 'toy',
  classes: ['a', 'b'].map((n, i) => ({ index: i, name: n, displayName: n.toUpperCase(), metaToken: n, conceptToken: `<${n}>` })),
  genpromp: { lambda: 0.5, timesteps: [0], resolutions: [4], threshold: 0.5 },
  baselines,
} as unknown as Manifest;

const pack: PackSummary = {
  manifest,
  variants: {},
  baseUrl: 'x/',
  fromCache: false,
  baselines: { camHead: Float32Array.from([1, 0, 0, 1]), lpcamPrototypes: Float32Array.from([1, 0, 0, 1]) },
};

const analysis: ImageAnalysis = {
  imageKey: 'k',
  topK: [],
  frame: [32, 32],
  timings: {},
  baselines: { features: { data: features, dims: [2, 4, 4] }, sat: { blockMaps: { data: blockMaps, dims: [3, 4, 4] }, topK: [] } },
};

const image = { id: 1, pixels: { width: 64, height: 64 }, sample: { file: 'a.png', label: 'a', boxes: [[0, 0, 31, 31]] } } as unknown as LoadedImage;

const request = (patch: Partial<BaselineRequest>): BaselineRequest => ({
  method: 'cam',
  pack,
  packGen: 1,
  analysis,
  image,
  classIndex: 0,
  threshold: 0.5,
  boxMode: 'largest',
  methods: INITIAL_METHODS,
  ...patch,
});

const centre = (box: number[]) => [(box[0]! + box[2]!) / 2, (box[1]! + box[3]!) / 2];

describe('computeBaselineDisplay', () => {
  it('CAM and LPCAM follow the class; the box lands on the class channel and IoU is against the scaled GT', () => {
    resetBaselineCache();
    const cam0 = computeBaselineDisplay(request({ method: 'cam', classIndex: 0 }));
    const cam1 = computeBaselineDisplay(request({ method: 'cam', classIndex: 1 }));
    expect(centre(cam0.boxes[0]!)[0]).toBeLessThan(16);
    expect(centre(cam1.boxes[0]!)[0]).toBeGreaterThan(16);
    expect(cam0.gtBoxes).toEqual([[0, 0, 15, 15]]);
    expect(cam0.iou!).toBeGreaterThan(cam1.iou!);
    const lp0 = computeBaselineDisplay(request({ method: 'lpcam', classIndex: 0 }));
    expect(centre(lp0.boxes[0]!)[0]).toBeLessThan(16);
    expect(lp0.frameMap.length).toBe(32 * 32);
  });

  it('memoises per method and parameters; SAT ignores the class but follows its block', () => {
    resetBaselineCache();
    const a = computeBaselineDisplay(request({ method: 'sat', classIndex: 0 }));
    expect(computeBaselineDisplay(request({ method: 'sat', classIndex: 1 }))).toBe(a);
    const block0 = computeBaselineDisplay(request({ method: 'sat', methods: { ...INITIAL_METHODS, satBlock: 0 } }));
    expect(block0.mapHash).not.toBe(a.mapHash);
    expect(centre(block0.boxes[0]!)[0]).toBeLessThan(16);
    expect(centre(a.boxes[0]!)[0]).toBeGreaterThan(16); // two of three blocks point bottom-right
    const ctxOff = computeBaselineDisplay(request({ method: 'lpcam', methods: { ...INITIAL_METHODS, lpcamContext: false } }));
    const ctxOn = computeBaselineDisplay(request({ method: 'lpcam' }));
    expect(ctxOn.mapHash).not.toBe(ctxOff.mapHash);
  });

  it('a threshold change re-draws the boxes from the cached map and keeps the frame map', () => {
    resetBaselineCache();
    const low = computeBaselineDisplay(request({ method: 'lpcam', threshold: 0.05 }));
    const high = computeBaselineDisplay(request({ method: 'lpcam', threshold: 0.9 }));
    expect(high.frameMap).toBe(low.frameMap);
    expect(high.mapHash).toBe(low.mapHash);
    const area = (b: number[]) => (b[2]! - b[0]!) * (b[3]! - b[1]!);
    expect(area(high.boxes[0]!)).toBeLessThan(area(low.boxes[0]!));
  });

  it('says why a baseline is missing', () => {
    expect(baselineUnavailable(null, 'cam')).toMatch(/no baselines/);
    const noSat = { ...pack, manifest: { ...manifest, baselines: { ...baselines!, sat: null } } };
    expect(baselineUnavailable(noSat, 'sat')).toMatch(/no SAT model/);
    expect(baselineUnavailable(noSat, 'lpcam')).toBeNull();
    expect(() => computeBaselineDisplay(request({ method: 'sat', pack: noSat, packGen: 2 }))).toThrow(/SAT is not available/);
  });
});

describe('methodsForPack', () => {
  it('keeps the choice where the new pack has the method, else falls back to GenPromp and one view', () => {
    const chosen = { ...INITIAL_METHODS, method: 'sat' as const, layout: 'compare' as const, satBlock: 2 };
    expect(methodsForPack(chosen, manifest)).toEqual(chosen);
    const plain = { ...manifest, baselines: null } as Manifest;
    expect(methodsForPack(chosen, plain)).toMatchObject({ method: 'genpromp', layout: 'single' });
    const twoBlocks = { ...manifest, baselines: { ...baselines!, sat: { ...baselines!.sat!, blocks: [4, 5] } } } as Manifest;
    expect(methodsForPack(chosen, twoBlocks).satBlock).toBe('mean');
    expect(defaultParams(manifest).threshold).toBe(0.5);
  });
});
