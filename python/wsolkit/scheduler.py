"""DDPM forward process (only add_noise is used by GenPromp; Stable Diffusion's scaled-linear betas 0.00085 → 0.012 over 1000 steps)."""
import numpy as np


def alphas_cumprod(beta_start=0.00085, beta_end=0.012, n=1000, schedule="scaled_linear") -> np.ndarray:
    """float64 ᾱ_t. diffusers computes it in float32; the difference is ~1e-7 relative."""
    if schedule == "scaled_linear":
        betas = np.linspace(beta_start**0.5, beta_end**0.5, n, dtype=np.float64) ** 2
    else:
        betas = np.linspace(beta_start, beta_end, n, dtype=np.float64)
    return np.cumprod(1.0 - betas)


def add_noise(z: np.ndarray, eps: np.ndarray, t: int, acp: np.ndarray) -> np.ndarray:
    """√ᾱ_t·z + √(1−ᾱ_t)·ε, coefficients rounded to float32 as the app does."""
    a = np.float32(np.sqrt(acp[t]))
    b = np.float32(np.sqrt(1.0 - acp[t]))
    return (a * z + b * eps).astype(np.float32)
