/**
 * The shared per-image step: preprocess, run the classifier once (top-5 and the
 * feature map CAM and LPCAM use), then every method's own per-image work (GenPromp's
 * VAE latent, SAT's run). Cached by pixel content, so a method's later requests for
 * the same image find what its per-image step kept.
 */
import type { ClassScore, ImageAnalysis, ImagePixels, StageTimings } from '@shared/api';
import { EngineError } from '@shared/errors';
import { resizeForModel, softmax, toNormalizedNCHW, topK } from '@shared/image/preprocess';
import { analysisFrame, type Manifest } from '@shared/manifest';
import type { MethodId } from '@shared/methods/registry';
import type { ModelSession } from '../../runtime/backend';
import { LruCache } from '@shared/lru';
import type { ImageInput, MethodWorker } from '../types';

interface CachedImage {
  analysis: ImageAnalysis;
  /** What each method's per-image step kept in the worker. */
  state: Partial<Record<MethodId, unknown>>;
}

const now = () => performance.now();

/** Cache key of an image: its size and a hash of its pixels (hashed in place, no copy). */
export async function imageKeyOf(px: ImagePixels): Promise<string> {
  const pixels = new Uint8Array(px.rgba.buffer, px.rgba.byteOffset, px.rgba.byteLength);
  const digest = await crypto.subtle.digest('SHA-256', pixels as Uint8Array<ArrayBuffer>);
  const hex = Array.from(new Uint8Array(digest).slice(0, 12), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${px.width}x${px.height}-${hex}`;
}

/** Softmax top-5 of a classifier's logits, with the pack's class names. */
export function topKScores(m: Manifest, logits: Float32Array): ClassScore[] {
  const p = softmax(logits);
  return topK(p, Math.min(5, p.length)).map((i) => ({
    index: i,
    name: m.classes[i]!.name,
    displayName: m.classes[i]!.displayName,
    probability: p[i]!,
  }));
}

export class ImageAnalyzer {
  private readonly images = new LruCache<string, CachedImage>(8);

  constructor(
    private readonly manifest: Manifest,
    private readonly classifier: ModelSession,
    private readonly methods: ReadonlyMap<MethodId, MethodWorker>,
  ) {}

  /** Take over another analyzer's images (same pack, e.g. after a backend switch). */
  adoptCaches(from: ImageAnalyzer): void {
    if (from.manifest.id === this.manifest.id) this.images.copyFrom(from.images);
  }

  /** What `method`'s per-image step kept for this image; throws when the image left the cache. */
  stateOf(imageKey: string, method: MethodId): unknown {
    const hit = this.images.get(imageKey);
    if (!hit) throw new EngineError('InvalidInput', 'The image is no longer cached in the engine; analyse it again');
    return hit.state[method];
  }

  async analyze(px: ImagePixels): Promise<ImageAnalysis> {
    const m = this.manifest;
    if (px.width < 1 || px.height < 1 || px.rgba.length !== px.width * px.height * 4) {
      throw new EngineError('InvalidInput', `Image buffer of ${px.rgba.length} bytes does not match ${px.width}×${px.height} RGBA`);
    }
    const t0 = now();
    const imageKey = await imageKeyOf(px);
    const hit = this.images.get(imageKey);
    if (hit) return { ...hit.analysis, timings: { total: now() - t0 } };

    const timings: StageTimings = {};
    let t = now();
    const resized = new Map<string, Uint8Array>();
    const rgb = (size: [number, number]): Uint8Array => {
      const key = size.join('x');
      let out = resized.get(key);
      if (!out) {
        out = resizeForModel(px.rgba, px.width, px.height, m.preprocess.alphaBackground, size);
        resized.set(key, out);
      }
      return out;
    };
    const cp = m.classifierPreprocess;
    const classifierImage = {
      dtype: 'float32' as const,
      dims: [1, 3, cp.size[0], cp.size[1]],
      data: toNormalizedNCHW(rgb(cp.size), cp.size[0], cp.size[1], cp.mean, cp.std),
    };
    timings.preprocess = now() - t;

    t = now();
    const featureOutput = m.baselines?.cam.featureOutput;
    const out = await this.classifier.run({ image: classifierImage }, featureOutput ? ['logits', featureOutput] : ['logits']);
    const f = featureOutput ? out[featureOutput]! : null; // [1, K, h, w]
    timings.classifier = now() - t;

    const input: ImageInput = { imageKey, pixels: px, rgb };
    const methodData: ImageAnalysis['methodData'] = {};
    const state: CachedImage['state'] = {};
    for (const [id, worker] of this.methods) {
      if (!worker.analyze) continue;
      const r = await worker.analyze(input, timings);
      if (r.data !== undefined) methodData[id] = r.data;
      if (r.state !== undefined) state[id] = r.state;
    }
    timings.total = now() - t0;

    const analysis: ImageAnalysis = {
      imageKey,
      topK: topKScores(m, out.logits!.data as Float32Array),
      logits: out.logits!.data as Float32Array,
      frame: analysisFrame(m),
      timings,
      features: f ? { data: f.data as Float32Array, dims: [f.dims[1]!, f.dims[2]!, f.dims[3]!] } : null,
      methodData,
    };
    this.images.set(imageKey, { analysis, state });
    return analysis;
  }
}
