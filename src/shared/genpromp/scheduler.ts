/** DDPM forward process; GenPromp uses only add_noise (noise at a timestep, no denoising). */
import type { DiffusionManifest } from '../manifest';

/** ᾱ_t in float64, as python/wsolkit/scheduler.py. */
export function alphasCumprod(s: DiffusionManifest['scheduler']): Float64Array {
  const n = s.numTrainTimesteps;
  const out = new Float64Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    const f = n === 1 ? 0 : i / (n - 1);
    const beta =
      s.betaSchedule === 'scaled_linear'
        ? (Math.sqrt(s.betaStart) + f * (Math.sqrt(s.betaEnd) - Math.sqrt(s.betaStart))) ** 2
        : s.betaStart + f * (s.betaEnd - s.betaStart);
    prod *= 1 - beta;
    out[i] = prod;
  }
  return out;
}

/** √ᾱ_t·z + √(1−ᾱ_t)·ε with float32 coefficients. */
export function addNoise(z: Float32Array, eps: Float32Array, t: number, acp: Float64Array): Float32Array {
  const a = Math.fround(Math.sqrt(acp[t]!));
  const b = Math.fround(Math.sqrt(1 - acp[t]!));
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = Math.fround(a * z[i]!) + Math.fround(b * eps[i]!);
  return out;
}
