/**
 * What the hover probe reads at one point of a derived map: no re-derivation, only a lookup
 * in the frame map and the boxes already drawn.
 */
import type { Box } from './types';

export interface ProbeReading {
  /** Frame pixel under the point. */
  x: number;
  y: number;
  /** Min-max normalised map value (what the colours show). */
  normalised: number;
  /** The map value before normalisation, from the map's [min, max]. */
  raw: number;
  /** null without ground truth. */
  insideGt: boolean | null;
  insidePred: boolean;
}

/** Boxes are inclusive pixel ranges, as everywhere in the metrics. */
export const insideBox = (x: number, y: number, [x0, y0, x1, y1]: Readonly<Box>): boolean => x >= x0 && x <= x1 && y >= y0 && y <= y1;

/**
 * The reading at (fx, fy), fractions of the frame's width and height in [0, 1): frame pixel
 * floor(f·size), normalised value from `frameMap`, raw value = min + normalised·(max − min).
 */
export function probeReading(
  frameMap: Float32Array,
  frame: readonly [number, number],
  rawRange: readonly [number, number],
  boxes: readonly Readonly<Box>[],
  gtBoxes: readonly Readonly<Box>[],
  fx: number,
  fy: number,
): ProbeReading {
  const [h, w] = frame;
  const x = Math.min(w - 1, Math.max(0, Math.floor(fx * w)));
  const y = Math.min(h - 1, Math.max(0, Math.floor(fy * h)));
  const normalised = frameMap[y * w + x] ?? 0;
  const [min, max] = rawRange;
  return {
    x,
    y,
    normalised,
    raw: max > min ? min + normalised * (max - min) : min,
    insideGt: gtBoxes.length === 0 ? null : gtBoxes.some((b) => insideBox(x, y, b)),
    insidePred: boxes.some((b) => insideBox(x, y, b)),
  };
}
