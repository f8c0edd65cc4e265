/**
 * Seeded Gaussian noise, bit-identical to python/wsolkit/noise.py:
 * mulberry32 uniforms → Box–Muller in float64 → float32.
 *
 * GenPromp's reference reuses one torch-RNG draw per batch, so its maps are not
 * a function of the image alone; a fixed tensor per seed makes them so.
 */
export function* mulberry32(seed: number): Generator<number, never> {
  let state = seed >>> 0;
  for (;;) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = ((t + Math.imul(t ^ (t >>> 7), 61 | t)) >>> 0) ^ t;
    yield (t ^ (t >>> 14)) >>> 0;
  }
}

/** `n` standard-normal float32 values for `seed`. */
export function gaussian(seed: number, n: number): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = (rng.next().value + 0.5) / 4294967296;
    const u2 = (rng.next().value + 0.5) / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** Seed of the VAE posterior sample. */
export const posteriorSeed = (noiseSeed: number): number => noiseSeed >>> 0;
/** Seed of the diffusion noise, reused across timesteps as GenPromp does. */
export const diffusionSeed = (noiseSeed: number): number => (noiseSeed + 1) >>> 0;
