/**
 * Parameter keys. Every result is tagged with the key of the parameters it was
 * derived from; a canvas is "ready" only when that key equals the key of the
 * current parameters, so a moved slider can never show a stale map as current.
 *
 *   rawKey     = pack generation + image content + method + class + own raw params  → raw maps (worker or UI thread)
 *   aggKey     = rawKey + own aggregation params (GenPromp: timesteps, resolutions) → UI thread
 *   displayKey = aggKey + image id + drawn GT box + threshold + box mode             → UI thread (boxes, IoU)
 */
import type { AnyMethod } from '@shared/methods/registry';
import type { AppState } from './types';

export interface MethodKeys {
  rawKey: string;
  aggKey: string;
  displayKey: string;
  imageKey: string;
  classIndex: number;
}

/**
 * Keys of a method's current parameters, or null while the image has no analysis for this pack or
 * no class yet. `own` replaces the method's own parameters (the λ strip keys its other λ values).
 */
export function methodKeys(s: AppState, def: AnyMethod, own: unknown = s.own[def.id]): MethodKeys | null {
  const { image, analysis, params, packGen } = s;
  if (!image || !analysis || analysis.imageId !== image.id || analysis.packGen !== packGen || params.classIndex === null) return null;
  // A learned class's maps are keyed by its id too: its index is reused after it is forgotten.
  const learnedId = s.learned.find((c) => c.index === params.classIndex)?.id;
  const cls = def.classAgnostic ? '' : `c${params.classIndex}${learnedId ? `:${learnedId}` : ''}`;
  const rawKey = `p${packGen}|${analysis.imageKey}|${def.id}|${cls}|${def.rawKey(own)}`;
  const aggKey = `${rawKey}|${def.aggKey(own)}`;
  // The image id, not only its content: the same pixels from another sample have other ground truth.
  // A drawn ground-truth box changes IoU, τ curve and failure type, not the map.
  const gt = s.drawnGt ? `gt${s.drawnGt.join(',')}` : 'gt-';
  const displayKey = `${aggKey}|i${image.id}|${gt}|tau${params.threshold.toFixed(2)}|${params.boxMode}`;
  return { rawKey, aggKey, displayKey, imageKey: analysis.imageKey, classIndex: params.classIndex };
}

export const analyzeKey = (imageId: number, packGen: number): string => `analyze|${imageId}|p${packGen}`;

/** FNV-1a over the float32 bit patterns: a short, stable fingerprint of a map. */
export function hashFloat32(a: Float32Array): string {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) {
    const v = u[i]!;
    h = Math.imul(h ^ (v & 0xff), 0x01000193);
    h = Math.imul(h ^ ((v >>> 8) & 0xff), 0x01000193);
    h = Math.imul(h ^ ((v >>> 16) & 0xff), 0x01000193);
    h = Math.imul(h ^ (v >>> 24), 0x01000193);
  }
  return `${(h >>> 0).toString(16).padStart(8, '0')}-${a.length.toString(36)}`;
}
