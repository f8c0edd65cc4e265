/**
 * The one derive path (./derive) for the UI-thread methods: raw maps through each
 * method's registry entry, one LRU, boxes and IoU; plus the registry's defaults and
 * the method choice across packs.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { LearnedClass, PackSummary } from '@shared/api';
import type { Manifest } from '@shared/manifest';
import type { Box } from '@shared/postprocess';
import { methodById, ownParamsFor, type MethodId, type OwnParams } from '@shared/methods/registry';
import { sat as satMethod, type SatImageData } from '@shared/sat/method';
import { deriveResult, putEngineMaps } from './derive';
import { methodKeys } from './keys';
import { runtime } from './runtime';
import { methodsForPack } from './slices/pack';
import { INITIAL_OWN } from './slices/params';
import type { Analysis, AppState, LoadedImage, MethodResult } from './types';

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
    ranges: [
      { class: [0, 1], context: [1, 1] },
      { class: [1, 1], context: [2, 0] },
    ],
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
  loadTimings: { setup: 0, files: 0, create: {}, warmup: {}, methods: 0 },
  baseUrl: 'x/',
  source: 'url',
  fromCache: false,
  arrays: { 'cam_head.f32': Float32Array.from([1, 0, 0, 1]), 'p.f32': Float32Array.from([1, 0, 0, 1]) },
};

const analysis: Analysis = {
  imageKey: 'k',
  topK: [],
  logits: new Float32Array(2),
  frame: [32, 32],
  timings: {},
  features: { data: features, dims: [2, 4, 4] },
  methodData: {},
  imageId: 1,
  packGen: 1,
};

/** SAT's worker answer (its ViT runs in the engine, on request). */
const satRaw: SatImageData = {
  blockMaps: { data: blockMaps, dims: [3, 4, 4] },
  topK: [{ index: 1, name: 'b', displayName: 'Bee', probability: 0.25 }],
};

const image = {
  id: 1,
  pixels: { width: 64, height: 64 },
  sample: { file: 'a.png', label: 'a', boxes: [[0, 0, 31, 31]] },
} as unknown as LoadedImage;

interface Case {
  classIndex?: number;
  threshold?: number;
  own?: Partial<OwnParams>;
  manifest?: Manifest;
  drawnGt?: Box;
  learned?: LearnedClass[];
}

/** Derive `method` as the store would for these parameters. */
function derive(method: MethodId, c: Case = {}, prev?: MethodResult): MethodResult {
  const m = c.manifest ?? manifest;
  const own = { ...INITIAL_OWN, ...c.own };
  const s = {
    image,
    drawnGt: c.drawnGt ?? null,
    analysis,
    packGen: 1,
    own,
    learned: c.learned ?? [],
    params: { classIndex: c.classIndex ?? 0, threshold: c.threshold ?? 0.5, boxMode: 'largest' },
  } as unknown as AppState;
  const def = methodById(method);
  const keys = methodKeys(s, def)!;
  if (def.id === 'sat' && def.source === 'engine') putEngineMaps(def, keys.rawKey, satRaw, {});
  const input = {
    pack: { ...pack, manifest: m },
    analysis,
    image,
    own: own[method],
    classIndex: keys.classIndex,
    learned: c.learned?.find((l) => l.index === keys.classIndex) ?? null,
    threshold: c.threshold ?? 0.5,
    boxMode: 'largest' as const,
    drawnGt: c.drawnGt ?? null,
  };
  return deriveResult(def, keys, input, prev)!;
}

const centre = (box: number[]) => [(box[0]! + box[2]!) / 2, (box[1]! + box[3]!) / 2];

beforeEach(() => runtime.reset());

describe('deriveResult for the UI-thread methods', () => {
  it('CAM and LPCAM follow the class; the box lands on the class channel and IoU is against the scaled GT', () => {
    const cam0 = derive('cam', { classIndex: 0 });
    const cam1 = derive('cam', { classIndex: 1 });
    expect(centre(cam0.boxes[0]!)[0]).toBeLessThan(16);
    expect(centre(cam1.boxes[0]!)[0]).toBeGreaterThan(16);
    expect(cam0.gtBoxes).toEqual([[0, 0, 15, 15]]);
    expect(cam0.iou!).toBeGreaterThan(cam1.iou!);
    const lp0 = derive('lpcam', { classIndex: 0 });
    expect(centre(lp0.boxes[0]!)[0]).toBeLessThan(16);
    expect(lp0.frameMap.length).toBe(32 * 32);
  });

  it('a class learned here: CAM weighs the features with its own head row; LPCAM says it has no prototypes for it', () => {
    // The pack's two classes light channels 0 and 1; a learned row that reads channel 1 draws class 1's map.
    const row = (head: LearnedClass['head'], id = 'l1'): LearnedClass[] => [
      { id, index: 2, name: 'snail', word: 'animal', conceptRow: new Float32Array(2), head },
    ];
    const learned = derive('cam', { classIndex: 2, learned: row({ row: Float32Array.from([0, 1]), bias: 0 }) });
    expect(learned.mapHash).toBe(derive('cam', { classIndex: 1 }).mapHash);
    expect(learned.key).toContain('c2:l1'); // keyed by the learned class's id: a reused index never finds its maps
    expect(() => derive('cam', { classIndex: 2, learned: row(null, 'l2') })).toThrow(/taught to GenPromp only/);
    expect(() => derive('lpcam', { classIndex: 2, learned: row(null, 'l3') })).toThrow(/LPCAM has no prototypes for "snail"/);
  });

  it('SAT ignores the class (one raw entry for all classes) but follows its block; LPCAM follows its context switch', () => {
    const a = derive('sat', { classIndex: 0 });
    expect(derive('sat', { classIndex: 1 }).key).toBe(a.key); // no class in SAT's keys
    const block0 = derive('sat', { own: { sat: { block: 0 } } });
    expect(block0.mapHash).not.toBe(a.mapHash);
    expect(centre(block0.boxes[0]!)[0]).toBeLessThan(16);
    expect(centre(a.boxes[0]!)[0]).toBeGreaterThan(16); // two of three blocks point bottom-right
    const ctxOff = derive('lpcam', { own: { lpcam: { context: false } } });
    const ctxOn = derive('lpcam');
    expect(ctxOn.mapHash).not.toBe(ctxOff.mapHash);
  });

  it('a threshold change re-draws the boxes from the cached map and keeps the frame map', () => {
    const low = derive('lpcam', { threshold: 0.05 });
    const high = derive('lpcam', { threshold: 0.9 }, low);
    expect(high.frameMap).toBe(low.frameMap);
    expect(high.mapHash).toBe(low.mapHash);
    expect(high.aggKey).toBe(low.aggKey);
    expect(high.key).not.toBe(low.key);
    const area = (b: number[]) => (b[2]! - b[0]!) * (b[3]! - b[1]!);
    expect(area(high.boxes[0]!)).toBeLessThan(area(low.boxes[0]!));
  });

  it('says why a method is missing; SAT asks the engine for one run per image and names its own top-1', () => {
    const plain = { ...manifest, baselines: null } as Manifest;
    expect(methodById('cam').unavailable(plain)).toMatch(/no baselines/);
    const noSat = { ...manifest, baselines: { ...baselines!, sat: null } } as Manifest;
    expect(methodById('sat').unavailable(noSat)).toMatch(/no SAT model/);
    expect(methodById('lpcam').unavailable(noSat)).toBeNull();
    expect(satMethod.request(undefined, { block: 'mean' })).toEqual({});
    expect(satMethod.request(satRaw, { block: 0 })).toBeNull(); // every block came with the run
    expect(derive('sat').note).toMatch(/SAT's own classifier: Bee \(25\.0 %\)/);
  });
});

describe('ground truth, τ curve and failure type', () => {
  it("the sample's box is the ground truth until a drawn box overrides it (and the display key changes)", () => {
    const sample = derive('cam');
    expect(sample.gtSource).toBe('sample');
    expect(sample.gtBoxes).toEqual([[0, 0, 15, 15]]); // 64 px image → 32 px frame
    const drawn = derive('cam', { drawnGt: [32, 32, 63, 63] });
    expect(drawn.gtSource).toBe('drawn');
    expect(drawn.gtBoxes).toEqual([[16, 16, 31, 31]]);
    expect(drawn.key).not.toBe(sample.key);
    expect(drawn.iou).not.toBe(sample.iou);
  });

  it('the τ curve holds the live IoU at the current τ, and survives a τ change without being recomputed', () => {
    const at50 = derive('cam', { threshold: 0.5 });
    expect(at50.tauCurve!.ious[50]).toBe(at50.iou);
    const at20 = derive('cam', { threshold: 0.2 }, at50);
    expect(at20.tauCurve).toBe(at50.tauCurve);
    expect(at20.tauCurve!.ious[20]).toBe(at20.iou);
    expect(at20.failure).not.toBeNull();
    // Another ground truth: another curve.
    expect(derive('cam', { threshold: 0.2, drawnGt: [32, 32, 63, 63] }, at20).tauCurve).not.toBe(at50.tauCurve);
  });

  it('keeps the raw range of the map, so a probe can read raw values back', () => {
    const r = derive('cam');
    expect(r.rawRange[0]).toBeLessThan(r.rawRange[1]);
  });
});

describe('sanity baselines derive like any method', () => {
  it('the centre Gaussian boxes the middle of the frame, whatever the class', () => {
    const a = derive('gaussian', { classIndex: 0 });
    const [x0, y0, x1, y1] = a.boxes[0]!;
    expect((x0 + x1) / 2).toBeCloseTo(16, 0);
    expect((y0 + y1) / 2).toBeCloseTo(16, 0);
    expect(derive('gaussian', { classIndex: 1 }).mapHash).toBe(a.mapHash);
  });

  it('the random map is the same for the same image and has a box and an IoU', () => {
    const a = derive('random');
    runtime.reset();
    expect(derive('random').mapHash).toBe(a.mapHash);
    expect(a.iou).not.toBeNull();
  });
});

describe('own parameters and the method choice across packs', () => {
  it('keeps the choice where the new pack has the method, else falls back to GenPromp and one view', () => {
    const withSat = { ...manifest, models: { sat: {} } } as unknown as Manifest;
    const chosen = { method: 'sat' as const, layout: 'compare' as const };
    expect(methodsForPack(chosen, { ...pack, manifest: withSat })).toEqual(chosen);
    const plain = { ...manifest, baselines: null } as Manifest;
    expect(methodsForPack(chosen, { ...pack, manifest: plain })).toEqual({ method: 'genpromp', layout: 'single' });
  });

  it('picks the first available method (CAM) for a classifier-only pack, where GenPromp is unavailable', () => {
    const { genpromp: _genpromp, ...rest } = manifest;
    const classifierOnly = { ...rest, models: { classifier: {}, sat: {} } } as unknown as Manifest;
    const photoPack = { ...pack, manifest: classifierOnly };
    expect(methodById('genpromp').unavailable(classifierOnly)).toMatch(/Stable Diffusion pack/);
    expect(methodsForPack({ method: 'genpromp', layout: 'single' }, photoPack)).toEqual({ method: 'cam', layout: 'single' });
    // The compare layout stays: CAM, LPCAM and SAT are still there to compare.
    expect(methodsForPack({ method: 'genpromp', layout: 'compare' }, photoPack)).toEqual({ method: 'cam', layout: 'compare' });
    const own = ownParamsFor(classifierOnly, null);
    expect(own.genpromp).toEqual({ lambda: 0, timesteps: [], resolutions: [], groups: null });
    // CAM's map derives as for any pack.
    const r = derive('cam', { classIndex: 0, manifest: classifierOnly });
    expect(centre(r.boxes[0]!)[0]).toBeLessThan(16);
  });

  it('resets GenPromp to the pack defaults and keeps a SAT block only where the pack has it', () => {
    const prev = { ...INITIAL_OWN, sat: { block: 2 as const }, lpcam: { context: false } } as OwnParams;
    const own = ownParamsFor(manifest, prev);
    expect(own.genpromp).toEqual({ lambda: 0.5, timesteps: [0], resolutions: [4], groups: null });
    expect(own.sat.block).toBe(2);
    expect(own.lpcam.context).toBe(false);
    const twoBlocks = { ...manifest, baselines: { ...baselines!, sat: { ...baselines!.sat!, blocks: [4, 5] } } } as Manifest;
    expect(ownParamsFor(twoBlocks, prev).sat.block).toBe('mean');
  });
});
