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
import type { Box } from './postprocess/types';

export const FIRST_VIEW_FORMAT = 1;

export interface FirstViewMap {
  /** [height, width] of the native map. */
  size: [number, number];
  /** Little-endian float32, base64. */
  data: string;
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
  threshold: number;
  /** The model frame the maps are upsampled to. */
  frame: [number, number];
  /** Per method id, its native map at the pack's default own parameters. */
  methods: Record<string, FirstViewMap>;
  /** The λ strip's maps (λ = 0, 0.1, …, 1), when the generator knows the strip. */
  lambdaStrip?: { lambdas: number[]; maps: FirstViewMap[] };
}

export class FirstViewFormatError extends Error {
  override name = 'FirstViewFormatError';
}

export function encodeMap(map: Float32Array, size: [number, number]): FirstViewMap {
  if (map.length !== size[0] * size[1]) throw new RangeError(`encodeMap: ${map.length} values for a ${size[0]}×${size[1]} map`);
  const bytes = new Uint8Array(map.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < map.length; i++) view.setFloat32(i * 4, map[i]!, true);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { size, data: btoa(bin) };
}

export function decodeMap(m: FirstViewMap): { map: Float32Array; size: [number, number] } {
  const bin = atob(m.data);
  const n = m.size[0] * m.size[1];
  if (bin.length !== n * 4)
    throw new FirstViewFormatError(`a ${m.size[0]}×${m.size[1]} map needs ${n * 4} bytes, the file has ${bin.length}`);
  const view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  return { map: Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true)), size: m.size };
}

const isHW = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && (x as number) > 0);
const isMap = (v: unknown): v is FirstViewMap =>
  typeof v === 'object' && v !== null && isHW((v as FirstViewMap).size) && typeof (v as FirstViewMap).data === 'string';

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
  if (typeof o.threshold !== 'number' || !(o.threshold >= 0 && o.threshold < 1)) fail('threshold');
  if (!isHW(o.frame)) fail('frame');
  if (!o.methods || typeof o.methods !== 'object' || !Object.values(o.methods).every(isMap)) fail('methods');
  return o as FirstViewFile;
}
