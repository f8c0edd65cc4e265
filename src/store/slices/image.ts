/** The current image: the gallery of samples, decoding state, and accepting a decoded image. */
import type { ImageInfo } from '@shared/image/sniff';
import type { Box } from '@shared/postprocess';
import { baseUrl } from '../base';
import { runtime } from '../runtime';
import type { LoadedImage, Sample, Slice } from '../types';

export interface ImageSlice {
  image: LoadedImage | null;
  /** null: no gallery (index absent or unreadable). */
  samples: Sample[] | null;
  /** Absolute URL of the samples folder (ends in '/'). */
  samplesBase: string;
  decoding: boolean;
  /**
   * A ground-truth box the user drew on the current image, in its original pixels; it
   * overrides a sample's boxes. Cleared with every new image.
   */
  drawnGt: Box | null;
  setDecoding(decoding: boolean): void;
  setDrawnGt(box: Box | null): void;
  /** Make a decoded image current: clears the old result and starts the analysis. */
  acceptImage(img: AcceptedImage, sample: Sample | null): void;
  loadSamples(): Promise<void>;
}

export interface AcceptedImage {
  name: string;
  pixels: LoadedImage['pixels'];
  bitmap: ImageBitmap;
  info: ImageInfo;
  notices: string[];
}

function isSafeRelative(p: string): boolean {
  return !p.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(p) && !p.split('/').includes('..');
}

export function parseSamples(json: unknown): Sample[] {
  const list = (json as { samples?: unknown })?.samples;
  if (!Array.isArray(list)) return [];
  const out: Sample[] = [];
  for (const x of list as unknown[]) {
    const o = x as Record<string, unknown>;
    if (typeof o?.file !== 'string' || typeof o.label !== 'string' || !isSafeRelative(o.file) || !o.label) continue;
    const boxes = Array.isArray(o.boxes)
      ? (o.boxes as unknown[]).filter(
          (b): b is Box => Array.isArray(b) && b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v)),
        )
      : undefined;
    out.push(boxes && boxes.length > 0 ? { file: o.file, label: o.label, boxes } : { file: o.file, label: o.label });
  }
  return out;
}

export const createImageSlice: Slice<ImageSlice> = (set, get) => ({
  image: null,
  samples: null,
  samplesBase: new URL('samples/', baseUrl()).href,
  decoding: false,
  drawnGt: null,
  setDecoding: (decoding) => set({ decoding }),
  setDrawnGt(box) {
    set({ drawnGt: box, failed: {} });
    get().ensureResult();
  },
  acceptImage(img, sample) {
    const image: LoadedImage = { id: ++runtime.imageSeq, name: img.name, pixels: img.pixels, bitmap: img.bitmap, info: img.info, sample };
    set((s) => ({
      image,
      drawnGt: null,
      probe: null,
      analysis: null,
      results: {},
      currentRaw: {},
      failed: {},
      params: { ...s.params, classIndex: null },
      notices: img.notices.map((text) => ({ id: ++runtime.noticeSeq, text })),
      error: null,
    }));
    get().ensureResult();
  },
  async loadSamples() {
    try {
      const res = await fetch(new URL('index.json', get().samplesBase));
      if (!res.ok) return;
      const samples = parseSamples(await res.json());
      set({ samples: samples.length > 0 ? samples : null });
    } catch {
      // No gallery: the index is optional (and a dev server may answer with HTML).
    }
  },
});
