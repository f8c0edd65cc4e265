/**
 * GenPromp's attention aggregation and box (GenPromp's
 * `models/attn.py` and `datasets/evaluation/cam.py`).
 *
 * Everything before the final max division is linear, so per-(timestep, layer)
 * maps cached by the worker re-average exactly for any subset of timesteps and
 * resolutions — which is why these sliders never need a model run.
 */
import type { AttentionOutput } from '../manifest';
import { boxesFromMap, normalizeMinMax, resizeBicubic, resizeBilinear } from '../postprocess';
import type { Box } from '../postprocess';

/** maps[t][outputName] = resolution×resolution Float32Array, head-averaged at the class token. */
export type AttentionMaps = Record<number, Record<string, Float32Array>>;

export interface AggregateOptions {
  timesteps: number[];
  resolutions: number[];
  /**
   * Optional narrower choice of groups (keys from `attentionGroups`), e.g. 16×16 down without
   * 16×16 up; absent or null: every group at `resolutions`.
   */
  groups?: readonly string[] | null;
  outputs: AttentionOutput[];
  /** [height, width] of the latent: every group is resized to it (GenPromp: 64×64). */
  latentSize: [number, number];
}

/** One (resolution, block) pair of the UNet's attention outputs, with its layers. */
export interface AttentionGroup {
  /** e.g. "16:down": stable across packs with the same UNet layout. */
  key: string;
  resolution: number;
  block: AttentionOutput['block'];
  layers: AttentionOutput[];
}

/**
 * The pack's attention groups in manifest order (an SD export lists down blocks, mid, then up
 * blocks). Aggregation sums groups in this order, so its float32 result does not depend on how
 * a view lists them.
 */
export function attentionGroups(outputs: readonly AttentionOutput[]): AttentionGroup[] {
  const groups = new Map<string, AttentionGroup>();
  for (const o of outputs) {
    const key = `${o.resolution}:${o.block}`;
    const g = groups.get(key);
    if (g) g.layers.push(o);
    else groups.set(key, { key, resolution: o.resolution, block: o.block, layers: [o] });
  }
  return [...groups.values()];
}

/**
 * One group's map before the final normalisation: the mean over its layers and `timesteps`
 * (float32 sums, as the reference accumulates float32 tensors), bicubic-resized to the latent
 * size (cv2.INTER_CUBIC). Null when a needed map is missing. Linear in the maps, so the mean of
 * per-timestep group maps equals the group map of those timesteps (the t × resolution grid).
 */
export function groupMap(
  maps: AttentionMaps,
  timesteps: readonly number[],
  group: AttentionGroup,
  latentSize: [number, number],
): Float32Array | null {
  const r = group.resolution;
  const sum = new Float32Array(r * r);
  for (const t of timesteps) {
    for (const layer of group.layers) {
      const m = maps[t]?.[layer.output];
      if (!m || m.length !== r * r) return null;
      for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + m[i]!;
    }
  }
  const count = timesteps.length * group.layers.length;
  for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! / count;
  return resizeBicubic(sum, r, r, latentSize[0], latentSize[1]);
}

/** Divide by the maximum (GenPromp's normalisation, not min-max), in place. */
export function divideByMax(map: Float32Array): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) if (map[i]! > max) max = map[i]!;
  for (let i = 0; i < map.length; i++) map[i] = map[i]! / max;
  return map;
}

/**
 * A group is one (resolution, block) pair — for SD 1.x: G8 = mid, G16down, G16up.
 * Each group is the mean over its layers and the chosen timesteps, bicubic-resized
 * to the latent size; the map is the mean over groups, divided by its max
 * (max-normalisation, not min-max, exactly as GenPromp).
 * Returns null when the selection is empty or a needed map is missing.
 */
export function aggregateAttention(maps: AttentionMaps, opts: AggregateOptions): Float32Array | null {
  const [H, W] = opts.latentSize;
  const wanted = new Set(opts.resolutions);
  const narrowed = opts.groups ? new Set(opts.groups) : null;
  const groups = attentionGroups(opts.outputs).filter((g) => wanted.has(g.resolution) && (!narrowed || narrowed.has(g.key)));
  if (groups.length === 0 || opts.timesteps.length === 0) return null;

  const cam = new Float32Array(H * W);
  for (const g of groups) {
    const up = groupMap(maps, opts.timesteps, g, opts.latentSize);
    if (!up) return null;
    for (let i = 0; i < cam.length; i++) cam[i] = cam[i]! + up[i]!;
  }
  for (let i = 0; i < cam.length; i++) cam[i] = cam[i]! / groups.length;
  return divideByMax(cam);
}

export interface Localization {
  /** The map in the model's input frame, min-max normalised to [0, 1], for display. */
  frameMap: Float32Array;
  /** [min, max] of the upsampled map before normalisation: raw = min + frameMap·(max − min). */
  rawRange: [number, number];
  boxes: Box[];
}

/**
 * Upsample to the input frame (cv2 default bilinear, as the TS-CAM evaluator) and
 * draw boxes at threshold `tau`: 'largest' contour (GenPromp) or 'all' (MaxBoxAccV2).
 */
export function localize(
  latentMap: Float32Array,
  latentSize: [number, number],
  frame: [number, number],
  tau: number,
  mode: 'largest' | 'all',
): Localization {
  const [fh, fw] = frame;
  const up = resizeBilinear(latentMap, latentSize[0], latentSize[1], fh, fw);
  let min = Infinity;
  let max = -Infinity;
  for (const v of up) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { frameMap: normalizeMinMax(up), rawRange: [min, max], boxes: boxesFromMap(up, fh, fw, tau, mode) };
}
