/**
 * The UI-thread half of GenPromp: cached attention maps → localisation map,
 * boxes, GT boxes in the frame and IoU. No worker call; runs once per animation
 * frame at most (see `scheduleLocal` in ./actions).
 */
import { aggregateAttention, localize, type AttentionMaps } from '../shared/genpromp/aggregate';
import type { StageTimings } from '../shared/api';
import type { Manifest } from '../shared/manifest';
import { iou } from '../shared/metrics';
import { scaleGtBox, type Box } from '../shared/postprocess';
import { hashFloat32, type CurrentKeys } from './keys';
import type { DisplayResult, GenprompParams, LoadedImage } from './types';

/** The last aggregation, reused while only threshold / box mode move. */
let lastAgg: { aggKey: string; latent: Float32Array } | null = null;

export function resetDeriveCache(): void {
  lastAgg = null;
}

export class MissingMapError extends Error {
  override readonly name = 'ModelIOMismatch';
}

export function computeDisplay(
  keys: CurrentKeys,
  maps: AttentionMaps,
  manifest: Manifest,
  params: GenprompParams,
  image: LoadedImage,
  frame: [number, number],
  prev: DisplayResult | null,
  timings: StageTimings | null,
): DisplayResult {
  // 1. Aggregate (cheap: latent-sized), unless only threshold / box mode moved.
  let latent: Float32Array;
  if (lastAgg && lastAgg.aggKey === keys.aggKey) {
    latent = lastAgg.latent;
  } else {
    const agg = aggregateAttention(maps, {
      timesteps: params.timesteps,
      resolutions: params.resolutions,
      outputs: manifest.unetAttention,
      latentSize: manifest.vae.latentSize,
    });
    if (!agg) {
      throw new MissingMapError(
        `No attention maps for timesteps [${params.timesteps.join(', ')}] at resolutions [${params.resolutions.join(', ')}]: ` +
          'the engine returned fewer maps than the pack manifest lists.',
      );
    }
    latent = agg;
    lastAgg = { aggKey: keys.aggKey, latent };
  }

  // 2. Upsample to the frame, threshold, boxes.
  const loc = localize(latent, manifest.vae.latentSize, frame, params.threshold, params.boxMode);

  // 3. Keep the previous frame map (and thus its hash and colour overlay) when
  //    only the threshold or box mode changed: the map itself is identical.
  const sameMap = prev !== null && prev.aggKey === keys.aggKey && prev.imageId === image.id && prev.frame[0] === frame[0] && prev.frame[1] === frame[1];
  const frameMap = sameMap ? prev.frameMap : loc.frameMap;
  const mapHash = sameMap ? prev.mapHash : hashFloat32(loc.frameMap);

  return {
    key: keys.displayKey,
    aggKey: keys.aggKey,
    imageId: image.id,
    frame,
    frameMap,
    mapHash,
    boxes: loc.boxes,
    ...groundTruth(image, frame, loc.boxes),
    timings,
  };
}

/** Ground truth (original pixels → frame, GenPromp's convention) and the best IoU of the predicted boxes; null IoU without GT. */
export function groundTruth(image: LoadedImage, frame: [number, number], boxes: Box[]): { gtBoxes: Box[]; iou: number | null } {
  const gtBoxes: Box[] = (image.sample?.boxes ?? []).map((b) => scaleGtBox(b, [image.pixels.height, image.pixels.width], frame));
  if (gtBoxes.length === 0) return { gtBoxes, iou: null };
  let best = 0;
  for (const p of boxes) for (const g of gtBoxes) best = Math.max(best, iou(p, g));
  return { gtBoxes, iou: best };
}
