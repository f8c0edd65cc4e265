/** Heat-map colouring and blending for display. */
import { JET_HEX, VIRIDIS_HEX } from './colormapTables';

export type ColormapName = 'viridis' | 'jet' | 'gray';

function decode(hex: string): Uint8Array {
  const rgb = new Uint8Array(hex.length / 2);
  for (let i = 0; i < rgb.length; i++) rgb[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return rgb;
}

const tables = new Map<ColormapName, Uint8Array>();

/** The 256×3 RGB table of a colormap (decoded once). */
export function colormapTable(name: ColormapName): Uint8Array {
  let table = tables.get(name);
  if (table === undefined) {
    table =
      name === 'gray' ? Uint8Array.from({ length: 768 }, (_, i) => Math.trunc(i / 3)) : decode(name === 'jet' ? JET_HEX : VIRIDIS_HEX);
    tables.set(name, table);
  }
  return table;
}

/**
 * RGBA image (alpha 255) of a [0, 1] map. The table index is `uint8(map·255)` as in GenPromp's
 * `blend_cam`, so 'jet' reproduces `cv2.applyColorMap(..., COLORMAP_JET)` (in RGB order rather
 * than cv2's BGR). Unlike numpy, out-of-range values clamp to the ends instead of wrapping.
 * Defaults to viridis because it stays readable for colour-blind viewers.
 */
export function applyColormap(map01: Float32Array, name: ColormapName = 'viridis'): Uint8ClampedArray {
  const table = colormapTable(name);
  const rgba = new Uint8ClampedArray(map01.length * 4);
  for (let i = 0; i < map01.length; i++) {
    const v = Math.trunc(Math.fround(map01[i] * 255));
    const k = 3 * (v > 255 ? 255 : Math.max(v, 0)); // NaN → 0
    rgba.set(table.subarray(k, k + 3), 4 * i);
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

/**
 * Blends a heat map over an image of the same size: `uint8(base·(1−α) + heat·α)` per colour
 * channel (truncated, as GenPromp's `image * 0.5 + heatmap * 0.5` then `astype(uint8)`);
 * the alpha channel is the base's.
 */
export function overlayRgba(base: Uint8ClampedArray, heat: Uint8ClampedArray, alpha: number): Uint8ClampedArray {
  if (base.length !== heat.length) throw new RangeError('overlayRgba: images differ in size');
  const out = new Uint8ClampedArray(base.length);
  for (let i = 0; i < base.length; i += 4) {
    for (let c = i; c < i + 3; c++) out[c] = Math.trunc(base[c] * (1 - alpha) + heat[c] * alpha);
    out[i + 3] = base[i + 3];
  }
  return out;
}
