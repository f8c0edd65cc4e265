/**
 * The precomputed first view (src/shared/firstView.ts): maps for the first gallery sample, painted
 * at once and marked "precomputed" while the pack loads; each method's live result replaces its
 * precomputed one as soon as it is ready (src/app/panels.tsx reads `selectPrecomputed` only while
 * the live canvas state is not 'ready'). Boxes and ground truth go through the live code.
 *
 * Only the file is kept in the store: each method's map, the λ strip and the grid are decoded and
 * localised the first time they are looked at (memoised per first view), so the first paint pays
 * for the one map on screen.
 */
import { decodeMap, type FirstViewFile } from '@shared/firstView';
import { divideByMax, localize } from '@shared/genpromp/aggregate';
import { resizeBicubic } from '@shared/postprocess';
import { isMethodId, type MethodId } from '@shared/methods/registry';
import { groundTruth } from '../derive';
import { hashFloat32 } from '../keys';
import type { LambdaStrip } from '../lab';
import type { AppState, LoadedImage, MapResult, Slice } from '../types';

/** The grid as the precomputed file has it: its own columns, as no pack is loaded yet to name them. */
export interface PrecomputedGrid {
  timesteps: number[];
  columns: Array<{ key: string; resolution: number; block: string }>;
  cells: Float32Array[][];
  size: [number, number];
  ticked: { timesteps: number[]; columns: string[] };
}

export interface FirstView {
  /** The image (store id) the maps belong to: a new image hides them. */
  imageId: number;
  pack: FirstViewFile['pack'];
  classIndex: number;
  /** What the precomputed views are decoded from, on first look. */
  file: FirstViewFile;
  image: LoadedImage;
}

/** The lab's views of the first view's image and class, when the file has them; `lambda` is the main map's. */
export interface PrecomputedLab {
  strip: (LambdaStrip & { lambda: number }) | null;
  grid: PrecomputedGrid | null;
}

export interface FirstViewSlice {
  firstView: FirstView | null;
  /** Show a precomputed view over the current image, if it is that view's sample and no live analysis exists yet. */
  applyFirstView(file: FirstViewFile): void;
}

export const createFirstViewSlice: Slice<FirstViewSlice> = (set, get) => ({
  firstView: null,
  applyFirstView(file) {
    const { image, analysis } = get();
    if (!image || image.sample?.file !== file.sample.file || analysis) return;
    // The settings the maps were made with, so the controls say what is on screen (the pack's
    // defaults, which it sets again when it loads).
    const lambda = file.lambdaStrip?.lambda;
    set((s) => ({
      firstView: { imageId: image.id, pack: file.pack, classIndex: file.classIndex, file, image },
      params: { ...s.params, threshold: file.threshold },
      ...(lambda === undefined ? {} : { own: { ...s.own, genpromp: { ...s.own.genpromp, lambda } } }),
    }));
  },
});

function decodeResult(file: FirstViewFile, image: LoadedImage, method: MethodId): MapResult | null {
  const stored = file.methods[method];
  if (!stored) return null;
  const { map, size } = decodeMap(stored);
  const loc = localize(map, size, file.frame, file.threshold, 'largest');
  return {
    frame: file.frame,
    frameMap: loc.frameMap,
    mapHash: hashFloat32(loc.frameMap),
    boxes: loc.boxes,
    boxMode: 'largest',
    rawRange: loc.rawRange,
    ...groundTruth(image, file.frame, loc.boxes),
    tauCurve: null,
    failure: null,
  };
}

export function decodeStrip(file: FirstViewFile, image: LoadedImage): PrecomputedLab['strip'] {
  if (!file.lambdaStrip) return null;
  let gtBoxes: LambdaStrip['gtBoxes'] = [];
  const cells = file.lambdaStrip.maps.map((stored, i) => {
    const { map, size } = decodeMap(stored);
    const loc = localize(map, size, file.frame, file.threshold, 'largest');
    const gt = groundTruth(image, file.frame, loc.boxes);
    gtBoxes = gt.gtBoxes;
    return {
      lambda: file.lambdaStrip!.lambdas[i]!,
      frameMap: loc.frameMap,
      mapHash: hashFloat32(loc.frameMap),
      boxes: loc.boxes,
      iou: gt.iou,
    };
  });
  return { key: 'precomputed', frame: file.frame, gtBoxes, cells, lambda: file.lambdaStrip.lambda };
}

export function decodeGrid(file: FirstViewFile): PrecomputedGrid | null {
  const g = file.timestepGrid;
  if (!g) return null;
  const [h, w] = g.size;
  // As the live grid: the group's mean resized to the latent, divided by its max (src/store/lab.ts).
  const cells = g.maps.map((row) =>
    row.map((stored) => {
      const { map, size } = decodeMap(stored);
      return divideByMax(resizeBicubic(map, size[0], size[1], h, w));
    }),
  );
  return { timesteps: g.timesteps, columns: g.columns, cells, size: g.size, ticked: g.ticked };
}

/** The first view, if it is of the current image and of the loaded pack (or none is loaded yet). */
function currentFirstView(s: AppState): FirstView | null {
  const fv = s.firstView;
  if (!fv || s.image?.id !== fv.imageId) return null;
  const m = s.pack?.manifest;
  if (m && (m.id !== fv.pack.id || m.producer.createdAt !== fv.pack.createdAt)) return null;
  return fv;
}

/** The precomputed map of `method` for the current image, or null (another image, or a pack it was not made from). */
export function selectPrecomputed(s: AppState, method: MethodId): MapResult | null {
  const fv = currentFirstView(s);
  if (!fv) return null;
  const results = memoOn(decodedResults, fv, () => new Map<MethodId, MapResult | null>());
  if (!results.has(method)) results.set(method, decodeResult(fv.file, fv.image, method));
  return results.get(method)!;
}

const decodedResults = new WeakMap<FirstView, Map<MethodId, MapResult | null>>();

/** The precomputed top-5 while no live analysis of the image exists. */
export const selectPrecomputedTopK = (s: AppState) => (s.analysis ? null : (currentFirstView(s)?.file.topK ?? null));

/** The methods the first view has maps of (they can be picked before the pack is loaded). */
export function selectPrecomputedMethods(s: AppState): ReadonlySet<MethodId> {
  const fv = currentFirstView(s);
  if (!fv) return NO_METHODS;
  return memoOn(methodSets, fv, () => new Set(Object.keys(fv.file.methods).filter(isMethodId)));
}

const NO_METHODS: ReadonlySet<MethodId> = new Set();
const methodSets = new WeakMap<FirstView, ReadonlySet<MethodId>>();

/**
 * The precomputed λ strip and grid, while they stand for what the live lab would show: the first
 * view's image, before the live analysis, or at its class with nothing live derived yet.
 */
export function selectPrecomputedLab(s: AppState): PrecomputedLab | null {
  const fv = labFirstView(s);
  if (!fv) return null;
  return memoOn(decodedLabs, fv, () => ({ strip: decodeStrip(fv.file, fv.image), grid: decodeGrid(fv.file) }));
}

/** Which lab view the precomputed file can show (without decoding it). */
export const selectPrecomputedLabHas = (s: AppState, view: 'lambdaStrip' | 'timestepGrid'): boolean => {
  const file = labFirstView(s)?.file;
  return !!(view === 'lambdaStrip' ? file?.lambdaStrip : file?.timestepGrid);
};

const decodedLabs = new WeakMap<FirstView, PrecomputedLab>();

function labFirstView(s: AppState): FirstView | null {
  const fv = currentFirstView(s);
  return !fv || (s.params.classIndex !== null && s.params.classIndex !== fv.classIndex) ? null : fv;
}

/** What was derived from a first view, kept while it lives (selectors must return the same object). */
function memoOn<V>(memo: WeakMap<FirstView, V>, fv: FirstView, make: () => V): V {
  let v = memo.get(fv);
  if (v === undefined) {
    v = make();
    memo.set(fv, v);
  }
  return v;
}
