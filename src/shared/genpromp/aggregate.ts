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
  outputs: AttentionOutput[];
  /** [height, width] of the latent: every group is resized to it (GenPromp: 64×64). */
  latentSize: [number, number];
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
  const groups = new Map<string, AttentionOutput[]>();
  for (const o of opts.outputs) {
    if (!wanted.has(o.resolution)) continue;
    const key = `${o.resolution}:${o.block}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  if (groups.size === 0 || opts.timesteps.length === 0) return null;

  const cam = new Float32Array(H * W);
  for (const layers of groups.values()) {
    const r = layers[0]!.resolution;
    // Sum in float32, as the reference accumulates float32 tensors.
    const sum = new Float32Array(r * r);
    for (const t of opts.timesteps) {
      for (const layer of layers) {
        const m = maps[t]?.[layer.output];
        if (!m || m.length !== r * r) return null;
        for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + m[i]!;
      }
    }
    const count = opts.timesteps.length * layers.length;
    for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! / count;
    const up = resizeBicubic(sum, r, r, H, W); // cv2.INTER_CUBIC
    for (let i = 0; i < cam.length; i++) cam[i] = cam[i]! + up[i]!;
  }
  let max = -Infinity;
  for (let i = 0; i < cam.length; i++) {
    cam[i] = cam[i]! / groups.size;
    if (cam[i]! > max) max = cam[i]!;
  }
  for (let i = 0; i < cam.length; i++) cam[i] = cam[i]! / max;
  return cam;
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
