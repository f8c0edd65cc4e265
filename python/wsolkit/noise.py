"""Seeded Gaussian noise that TypeScript reproduces bit for bit (src/shared/genpromp/noise.ts).

GenPromp's reference draws noise from torch's global RNG once per batch, so its
maps are not per-image deterministic (a map depends on the image's batch and position in it). wsol-lab instead uses a
fixed tensor per seed: mulberry32 uniform draws → Box–Muller in float64 → float32.
"""
import math

import numpy as np

_M32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & _M32


def mulberry32(seed: int):
    state = seed & _M32
    while True:
        state = (state + 0x6D2B79F5) & _M32
        t = _imul(state ^ (state >> 15), 1 | state)
        t = ((t + _imul(t ^ (t >> 7), 61 | t)) & _M32) ^ t
        yield (t ^ (t >> 14)) & _M32


def gaussian(seed: int, n: int) -> np.ndarray:
    """n standard-normal float32 values for `seed`."""
    rng = mulberry32(seed)
    out = np.empty(n, dtype=np.float64)
    for i in range(0, n, 2):
        u1 = (next(rng) + 0.5) / 4294967296.0
        u2 = (next(rng) + 0.5) / 4294967296.0
        r = math.sqrt(-2.0 * math.log(u1))
        out[i] = r * math.cos(2.0 * math.pi * u2)
        if i + 1 < n:
            out[i + 1] = r * math.sin(2.0 * math.pi * u2)
    return out.astype(np.float32)


# Seeds derived from the pack's noiseSeed: one for the VAE posterior sample, one
# for the diffusion noise that is reused across timesteps (as GenPromp reuses it).
def posterior_seed(noise_seed: int) -> int:
    return noise_seed


def diffusion_seed(noise_seed: int) -> int:
    return (noise_seed + 1) & _M32
