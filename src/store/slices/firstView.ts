/**
 * The precomputed first view (src/shared/firstView.ts): maps for the first gallery sample, painted
 * at once and marked "precomputed" while the pack loads; each method's live result replaces its
 * precomputed one as soon as it is ready (src/app/panels.tsx reads `selectPrecomputed` only while
 * the live canvas state is not 'ready'). Boxes and ground truth go through the live code.
 */
import { decodeMap, type FirstViewFile } from '@shared/firstView';
import { localize } from '@shared/genpromp/aggregate';
import { isMethodId, type MethodId } from '@shared/methods/registry';
import { groundTruth } from '../derive';
import { hashFloat32 } from '../keys';
import type { AppState, MapResult, Slice } from '../types';

export interface FirstView {
  /** The image (store id) the maps belong to: a new image hides them. */
  imageId: number;
  pack: FirstViewFile['pack'];
  classIndex: number;
  results: Partial<Record<MethodId, MapResult>>;
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
    const results: Partial<Record<MethodId, MapResult>> = {};
    for (const [id, stored] of Object.entries(file.methods)) {
      if (!isMethodId(id)) continue;
      const { map, size } = decodeMap(stored);
      const loc = localize(map, size, file.frame, file.threshold, 'largest');
      results[id] = {
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
    set({ firstView: { imageId: image.id, pack: file.pack, classIndex: file.classIndex, results } });
  },
});

/** The precomputed map of `method` for the current image, or null (another image, or a pack it was not made from). */
export function selectPrecomputed(s: AppState, method: MethodId): MapResult | null {
  const fv = s.firstView;
  if (!fv || s.image?.id !== fv.imageId) return null;
  const m = s.pack?.manifest;
  if (m && (m.id !== fv.pack.id || m.producer.createdAt !== fv.pack.createdAt)) return null;
  return fv.results[method] ?? null;
}
