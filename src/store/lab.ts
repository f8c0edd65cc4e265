/**
 * The classroom lab's GenPromp views, derived from the same caches as the main map:
 *
 * - the λ strip: one map per λ ∈ {0, 0.1, …, 1} at the current timesteps and groups, each with
 *   its box and IoU. Its λ values are asked for together with the main map's (one batched
 *   UNet call per missing timestep, `labRequest`), and each lands in the map LRU under its own
 *   raw key, so a snapped λ slider redraws from cache;
 * - the t × resolution grid: one map per (timestep, attention group), each that group's mean
 *   over its layers at that timestep, divided by its max. Rows are the pack's timestep choices
 *   (asked for at the current λ in one batched call), columns its attention groups. Ticked rows
 *   and columns are GenPromp's own `timesteps` and `groups`, so the main map is their exact
 *   re-average (aggregate.ts is linear up to the final max division).
 */
import { type AttentionGroup, type AttentionMaps, attentionGroups, divideByMax, groupMap, localize } from '@shared/genpromp/aggregate';
import { type GenprompMapsParams, type GenprompParams, LAMBDA_GRID, sortedNums } from '@shared/genpromp/method';
import { diffusionOf } from '@shared/manifest';
import { methodById } from '@shared/methods/registry';
import type { Box } from '@shared/postprocess';
import { aggregated, groundTruth } from './derive';
import { hashFloat32, methodKeys } from './keys';
import { runtime, type RawEntry } from './runtime';
import { visibleMethods } from './slices/results';
import type { AppState } from './types';

export type LabView = 'none' | 'lambdaStrip' | 'timestepGrid';

export interface LambdaStripCell {
  lambda: number;
  /** Frame-sized map in [0, 1]. */
  frameMap: Float32Array;
  mapHash: string;
  /** Predicted boxes at the current τ and box mode, frame pixels. */
  boxes: Box[];
  /** Best IoU with the ground truth; null without GT. */
  iou: number | null;
}

export interface LambdaStrip {
  /** The current display key with λ left out: the strip is current while it matches. */
  key: string;
  frame: [number, number];
  /** Ground truth in the frame (the same for every λ). */
  gtBoxes: Box[];
  cells: LambdaStripCell[];
}

export interface TimestepGrid {
  /** Raw key of the current λ and the timesteps it holds: the grid is current while it matches. */
  key: string;
  /** Rows: the pack's timestep choices (and any selected timestep outside them). */
  timesteps: number[];
  /** Columns: the pack's attention groups. */
  groups: AttentionGroup[];
  /** cells[row][col]: latent-size map divided by its max, null while that timestep is not computed. */
  cells: Array<Array<Float32Array | null>>;
  size: [number, number];
}

const genpromp = () => methodById('genpromp');
const ownOf = (s: AppState): GenprompParams => s.own.genpromp;

/** Raw maps of the current image and class at `lambda`, if cached. */
function rawAt(s: AppState, lambda: number): { entry: RawEntry | undefined; keys: ReturnType<typeof methodKeys> } {
  const keys = methodKeys(s, genpromp(), { ...ownOf(s), lambda });
  return { keys, entry: keys ? (runtime.maps.get(`raw|${keys.rawKey}`) as RawEntry | undefined) : undefined };
}

const hasAll = (raw: unknown, timesteps: readonly number[]): boolean => timesteps.every((t) => (raw as AttentionMaps | undefined)?.[t]);

/** The rows of the grid: the pack's choices and whatever is selected besides. */
export function gridTimesteps(s: AppState): number[] {
  return sortedNums([...new Set([...(s.pack?.manifest.genpromp?.timestepChoices ?? []), ...ownOf(s).timesteps])]);
}

/** Whether the lab view on screen needs GenPromp's maps: it is open and GenPromp is on screen (single or side by side). */
export const labNeedsGenpromp = (s: AppState): boolean =>
  s.lab.view !== 'none' && s.params.classIndex !== null && visibleMethods(s).some((d) => d.id === 'genpromp');

/**
 * The GenPromp request the open lab view needs beyond the main map's, or null: the λ strip asks
 * for every grid λ missing a current timestep (with the current λ, in one request: the worker
 * batches them); the grid asks for every timestep row at the current λ.
 */
export function labRequest(s: AppState): GenprompMapsParams | null {
  if (!labNeedsGenpromp(s)) return null;
  const own = ownOf(s);
  if (s.lab.view === 'lambdaStrip') {
    const lambdas = LAMBDA_GRID.filter((l) => l !== own.lambda && !hasAll(rawAt(s, l).entry?.raw, own.timesteps));
    if (lambdas.length === 0) return null;
    return { lambda: own.lambda, timesteps: sortedNums(own.timesteps), lambdas };
  }
  const rows = gridTimesteps(s);
  const have = rawAt(s, own.lambda).entry?.raw as AttentionMaps | undefined;
  return rows.every((t) => have?.[t]) ? null : { lambda: own.lambda, timesteps: rows };
}

/** The key the open lab view's derived state must have to be current, or null when it shows nothing derived. */
export function labKey(s: AppState): string | null {
  if (!labNeedsGenpromp(s)) return null;
  const own = ownOf(s);
  if (s.lab.view === 'lambdaStrip') return methodKeys(s, genpromp(), { ...own, lambda: -1 })?.displayKey ?? null;
  const { keys, entry } = rawAt(s, own.lambda);
  return keys ? `${keys.rawKey}|${Object.keys((entry?.raw as AttentionMaps | undefined) ?? {}).join(',')}` : null;
}

/** Whether the open view's derived state is behind the current parameters. */
export function labStale(s: AppState): boolean {
  const key = labKey(s);
  if (key === null) return false;
  return s.lab.view === 'lambdaStrip' ? s.labStrip?.key !== key : s.labGrid?.key !== key;
}

/** The λ strip for the current parameters, or null while some λ's maps are missing. */
export function deriveLambdaStrip(s: AppState): LambdaStrip | null {
  const key = labKey(s);
  const { image, analysis, pack, params } = s;
  if (key === null || !image || !analysis || !pack) return null;
  const own = ownOf(s);
  const frame = analysis.frame;
  const cells: LambdaStripCell[] = [];
  let gtBoxes: Box[] = [];
  for (const lambda of LAMBDA_GRID) {
    const ownAt = { ...own, lambda };
    const { keys, entry } = rawAt(s, lambda);
    if (!keys || !entry || !hasAll(entry.raw, own.timesteps)) return null;
    const native = aggregated(genpromp(), keys, entry, { own: ownAt, pack });
    const loc = localize(native.map, native.size, frame, params.threshold, params.boxMode);
    const gt = groundTruth(image, frame, loc.boxes, s.drawnGt);
    gtBoxes = gt.gtBoxes;
    cells.push({ lambda, frameMap: loc.frameMap, mapHash: hashFloat32(loc.frameMap), boxes: loc.boxes, iou: gt.iou });
  }
  return { key, frame, gtBoxes, cells };
}

/** Grid cells are computed once per raw-maps object (a new timestep or λ brings a new one). */
let gridMemo: { raw: unknown; grid: TimestepGrid | null } = { raw: null, grid: null };

/** The t × resolution grid at the current λ: every computed (timestep, group) map. */
export function deriveTimestepGrid(s: AppState): TimestepGrid | null {
  const key = labKey(s);
  const m = s.pack ? diffusionOf(s.pack.manifest) : null;
  if (key === null || !m) return null;
  const raw = rawAt(s, ownOf(s).lambda).entry?.raw as AttentionMaps | undefined;
  if (!raw) return null;
  if (gridMemo.raw === raw && gridMemo.grid) return { ...gridMemo.grid, key };
  const timesteps = gridTimesteps(s);
  const groups = attentionGroups(m.unetAttention);
  const size = m.vae.latentSize;
  const cells = timesteps.map((t) =>
    groups.map((g) => {
      const map = raw[t] ? groupMap(raw, [t], g, size) : null;
      return map ? divideByMax(map) : null;
    }),
  );
  const grid = { key, timesteps, groups, cells, size };
  gridMemo = { raw, grid };
  return grid;
}

/** The ticked columns: GenPromp's own group choice, or every group at its resolutions. */
export function tickedGroups(own: GenprompParams, groups: readonly AttentionGroup[]): string[] {
  if (own.groups) return own.groups;
  const res = new Set(own.resolutions);
  return groups.filter((g) => res.has(g.resolution)).map((g) => g.key);
}
