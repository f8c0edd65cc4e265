/**
 * Test-only helpers for fixtures/golden/*.json (written by python/scripts/make_numeric_goldens.py).
 * Kept free of Node imports so every tsconfig project can include it; tests read the files.
 */

/** Location of `fixtures/golden/<name>`, for `readFileSync` in a test. */
export function goldenUrl(name: string): URL {
  return new URL(`../../../fixtures/golden/${name}`, import.meta.url);
}

/** Raw bytes of a base64 string (little-endian arrays, as numpy writes them here). */
export function bytes(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export const f32 = (b64: string) => new Float32Array(bytes(b64).buffer);
export const f64 = (b64: string) => new Float64Array(bytes(b64).buffer);
export const u16 = (b64: string) => new Uint16Array(bytes(b64).buffer);

/** FNV-1a 32 over integers folded in as 32-bit words (the script's `fnv1a`). */
export function fnv1a(values: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < values.length; i++) h = Math.imul(h ^ values[i], 16777619) >>> 0;
  return h;
}

/** Largest |a − b| over two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
