/**
 * The random-map sanity baseline: uniform noise on a coarse grid (about a CNN's last feature
 * map), seeded by the image's content so one image always gets the same map.
 */

/** Side of the noise grid; upsampled to the frame like any CAM. */
export const RANDOM_MAP_SIDE = 14;

/** FNV-1a 32 of a string's UTF-16 code units: a seed from the image's content key. */
export function seedFromKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; returns values in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** side×side uniform [0, 1) values from `seed`, row-major. */
export function randomMap(seed: number, side = RANDOM_MAP_SIDE): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: side * side }, next);
}
