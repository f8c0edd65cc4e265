/**
 * The precomputed first view (public/first-view.json): one gallery sample's maps for every method,
 * computed by the live pipeline in Node (`npm run first-view`, scripts/firstView.ts), so the page
 * paints a result at once and swaps in the live one when the pack is ready.
 *
 * Maps are stored as each method's aggregated native map (before upsampling), little-endian
 * float32 in base64, so the page upsamples, normalises and draws boxes with the live code
 * (`localize`) and the file stays small. Views that sweep a parameter add one optional field
 * each (e.g. `lambdaStrip`: the 11 λ maps of the λ strip); a reader ignores fields it does not know.
 */
import type { ClassScore } from './api';
import type { Box } from './postprocess/types';

export const FIRST_VIEW_FORMAT = 1;

export interface FirstViewMap {
  /** [height, width] of the native map. */
  size: [number, number];
  /** Base64 of little-endian float32 values, or (with `range`) of 8-bit levels. */
  data: string;
  /**
   * [min, max] of an 8-bit map: level q stands for min + q·(max − min)/255. The lab's thumbnails
   * are stored so (a quarter of the bytes; they are drawn, not scored).
   */
  range?: [number, number];
}

export interface FirstViewFile {
  format: typeof FIRST_VIEW_FORMAT;
  /**
   * The pack the maps came from (manifest id and `producer.createdAt`): a page on another pack, or on
   * a rebuilt one, does not show them.
   */
  pack: { id: string; createdAt: string };
  /** The gallery entry shown (public/samples/index.json), with its ground truth. */
  sample: { file: string; label: string; boxes: Box[] };
  /** The class the maps are for (the classifier's top-1, as the live view picks it). */
  classIndex: number;
  /** The classifier's top-5 for the sample. */
  topK: ClassScore[];
  threshold: number;
  /** The model frame the maps are upsampled to. */
  frame: [number, number];
  /** Per method id, its native map at the pack's default own parameters. */
  methods: Record<string, FirstViewMap>;
  /** The λ strip: GenPromp's native map at each λ = 0, 0.1, …, 1 (default timesteps and resolutions), 8-bit. */
  lambdaStrip?: {
    lambdas: number[];
    /** The λ of the main map: the strip's current cell. */
    lambda: number;
    maps: FirstViewMap[];
  };
  /**
   * The t × resolution grid at the default λ: rows are the pack's timestep choices, columns its
   * attention groups, each cell that group's mean map at that timestep at the group's own
   * resolution, 8-bit (the page resizes it to the latent and divides by its max, as live).
   */
  timestepGrid?: {
    timesteps: number[];
    columns: Array<{ key: string; resolution: number; block: string }>;
    /** The latent size [height, width] the cells are resized to. */
    size: [number, number];
    /** The rows and columns GenPromp averages by default (the grid's ticks). */
    ticked: { timesteps: number[]; columns: string[] };
    maps: FirstViewMap[][];
  };
}

export class FirstViewFormatError extends Error {
  override name = 'FirstViewFormatError';
}

const toBase64 = (bytes: Uint8Array): string => {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
};

export function encodeMap(map: Float32Array, size: [number, number]): FirstViewMap {
  if (map.length !== size[0] * size[1]) throw new RangeError(`encodeMap: ${map.length} values for a ${size[0]}×${size[1]} map`);
  const bytes = new Uint8Array(map.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < map.length; i++) view.setFloat32(i * 4, map[i]!, true);
  return { size, data: toBase64(bytes) };
}

/** An 8-bit map (see FirstViewMap.range): for pictures, where 1/255 of the range is invisible. */
export function encodeMapU8(map: Float32Array, size: [number, number]): FirstViewMap {
  if (map.length !== size[0] * size[1]) throw new RangeError(`encodeMapU8: ${map.length} values for a ${size[0]}×${size[1]} map`);
  let min = Infinity;
  let max = -Infinity;
  for (const v of map) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  const levels = Uint8Array.from(map, (v) => Math.round((255 * (v - min)) / span));
  return { size, data: toBase64(levels), range: [min, max] };
}

export function decodeMap(m: FirstViewMap): { map: Float32Array; size: [number, number] } {
  const bin = atob(m.data);
  const n = m.size[0] * m.size[1];
  if (m.range) {
    if (bin.length !== n)
      throw new FirstViewFormatError(`an 8-bit ${m.size[0]}×${m.size[1]} map needs ${n} bytes, the file has ${bin.length}`);
    const [min, max] = m.range;
    const step = (max - min) / 255;
    return { map: Float32Array.from({ length: n }, (_, i) => min + bin.charCodeAt(i) * step), size: m.size };
  }
  if (bin.length !== n * 4)
    throw new FirstViewFormatError(`a ${m.size[0]}×${m.size[1]} map needs ${n * 4} bytes, the file has ${bin.length}`);
  const view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  return { map: Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true)), size: m.size };
}

const isHW = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && (x as number) > 0);
const isRange = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.length === 2 && v.every(Number.isFinite));
const isMap = (v: unknown): v is FirstViewMap =>
  typeof v === 'object' &&
  v !== null &&
  isHW((v as FirstViewMap).size) &&
  typeof (v as FirstViewMap).data === 'string' &&
  isRange((v as FirstViewMap).range);

/** The file's shape, checked; a FirstViewFormatError names the first wrong field. */
export function parseFirstView(json: unknown): FirstViewFile {
  const o = json as Partial<FirstViewFile> | null;
  const fail = (field: string): never => {
    throw new FirstViewFormatError(`first-view.json: ${field} is missing or malformed (rerun npm run first-view)`);
  };
  if (!o || typeof o !== 'object') return fail('the document');
  if (o.format !== FIRST_VIEW_FORMAT) fail('format');
  if (typeof o.pack?.id !== 'string' || typeof o.pack.createdAt !== 'string') fail('pack');
  const s = o.sample;
  if (typeof s?.file !== 'string' || typeof s.label !== 'string' || !Array.isArray(s.boxes)) fail('sample');
  if (!Number.isInteger(o.classIndex)) fail('classIndex');
  const isScore = (c: ClassScore) => Number.isInteger(c?.index) && typeof c.displayName === 'string' && Number.isFinite(c.probability);
  if (!Array.isArray(o.topK) || !o.topK.every(isScore)) fail('topK');
  if (typeof o.threshold !== 'number' || !(o.threshold >= 0 && o.threshold < 1)) fail('threshold');
  if (!isHW(o.frame)) fail('frame');
  if (!o.methods || typeof o.methods !== 'object' || !Object.values(o.methods).every(isMap)) fail('methods');
  const strip = o.lambdaStrip;
  if (
    strip !== undefined &&
    !(Array.isArray(strip.lambdas) && Array.isArray(strip.maps) && strip.maps.length === strip.lambdas.length && strip.maps.every(isMap))
  )
    fail('lambdaStrip');
  const grid = o.timestepGrid;
  if (
    grid !== undefined &&
    !(
      Array.isArray(grid.timesteps) &&
      Array.isArray(grid.columns) &&
      isHW(grid.size) &&
      Array.isArray(grid.ticked?.timesteps) &&
      Array.isArray(grid.ticked?.columns) &&
      Array.isArray(grid.maps) &&
      grid.maps.length === grid.timesteps.length &&
      grid.maps.every((row) => Array.isArray(row) && row.length === grid.columns.length && row.every(isMap))
    )
  )
    fail('timestepGrid');
  return o as FirstViewFile;
}
