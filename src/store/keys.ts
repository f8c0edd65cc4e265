/**
 * Parameter keys. Every result is tagged with the key of the parameters it was
 * computed from; the canvas is "ready" only when that key equals the key of the
 * current parameters, so a moved slider can never show a stale map as current.
 *
 *   modelKey   = pack generation + image + class + λ      → needs the worker
 *   aggKey     = modelKey + timesteps + resolutions        → UI thread (aggregate)
 *   displayKey = aggKey + threshold + box mode             → UI thread (localize)
 */
import type { AppState } from './types';

/** Slider values are kept on their grid so keys and requests agree exactly. */
export const round2 = (v: number): number => Math.round(v * 100) / 100;

export const sortedNums = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

export function modelKey(packGen: number, imageKey: string, classIndex: number, lambda: number): string {
  return `p${packGen}|${imageKey}|c${classIndex}|l${lambda.toFixed(2)}`;
}

export function aggKey(mk: string, timesteps: readonly number[], resolutions: readonly number[]): string {
  return `${mk}|t${sortedNums(timesteps).join(',')}|r${sortedNums(resolutions).join(',')}`;
}

export function displayKey(ak: string, threshold: number, boxMode: string): string {
  return `${ak}|tau${threshold.toFixed(2)}|${boxMode}`;
}

export interface CurrentKeys {
  modelKey: string;
  aggKey: string;
  displayKey: string;
  imageKey: string;
  classIndex: number;
}

/** Keys of the current parameters, or null while the image has no analysis for this pack. */
export function currentKeys(s: AppState): CurrentKeys | null {
  const { image, analysis, params, packGen } = s;
  if (!image || !analysis || analysis.imageId !== image.id || analysis.packGen !== packGen) return null;
  if (params.classIndex === null) return null;
  const mk = modelKey(packGen, analysis.imageKey, params.classIndex, params.lambda);
  const ak = aggKey(mk, params.timesteps, params.resolutions);
  return {
    modelKey: mk,
    aggKey: ak,
    displayKey: displayKey(ak, params.threshold, params.boxMode),
    imageKey: analysis.imageKey,
    classIndex: params.classIndex,
  };
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
