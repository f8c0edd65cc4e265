"""What the diffusion stages share: the latent cache and the ε-prediction loss (stage checkpoints load with wsolkit.checkpoint.load_stage).

UNet training, textual inversion and finetuning all read VAE latents of the same
cached training composites; encoding them once (posterior mean and log-variance,
float16) turns every later step into UNet work only.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .. import paths
from ..models import VAE, UNet
from ..scheduler import alphas_cumprod
from .data import pair_cache, train_cache


def latent_cache(vae: VAE, vae_sha: str, size=128, count=20000, log=print) -> tuple[torch.Tensor, torch.Tensor, np.ndarray, list[str]]:
    """→ (mean, logvar) float16 [N, 4, s, s], labels, classes; keyed by the VAE checkpoint's hash."""
    images, labels, classes = train_cache(size, count, 0)
    mean, logvar = _encoded(vae, images, paths.TRAIN_CACHE / f"latents-s{size}-n{count}-vae{vae_sha[:12]}.npz", log)
    return mean, logvar, labels, classes


def pair_latent_cache(vae: VAE, vae_sha: str, size=128, count=10000, log=print) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
    """The two-class composites' latents → (mean, logvar) float16 [N, 4, s, s], labels [N, 2]."""
    images, labels, _ = pair_cache(size, count, 0, log)
    mean, logvar = _encoded(vae, images, paths.TRAIN_CACHE / f"pair-latents-s{size}-n{count}-vae{vae_sha[:12]}.npz", log)
    return mean, logvar, labels


def _encoded(vae: VAE, images: np.ndarray, path: Path, log) -> tuple[torch.Tensor, torch.Tensor]:
    if not path.exists():
        means, logvars = [], []
        with torch.no_grad():
            for i in range(0, len(images), 100):
                x = torch.from_numpy(images[i : i + 100]).permute(0, 3, 1, 2).float() / 127.5 - 1
                m, lv = vae.encode(x)
                means.append(m.half())
                logvars.append(lv.half())
                if (i + 100) % 4000 == 0:
                    log(f"latents: {i + 100}/{len(images)}")
        np.savez(path, mean=torch.cat(means).numpy(), logvar=torch.cat(logvars).numpy())
    z = np.load(path)
    return torch.from_numpy(z["mean"]), torch.from_numpy(z["logvar"])


def file_sha(path: Path) -> str:
    from ..pack import sha256
    return sha256(path)


class Diffusion:
    """Scaled-linear DDPM forward process and the ε-prediction loss (as Stable Diffusion and GenPromp train)."""

    def __init__(self, scaling: float):
        self.scaling = scaling
        self.acp = torch.from_numpy(alphas_cumprod()).float()  # [1000]

    def sample_latents(self, mean, logvar, idx, flip=True):
        """Posterior sample × scaling for rows idx, randomly h-flipped → [B, 4, s, s]."""
        m, lv = mean[idx].float(), logvar[idx].float()
        z = (m + torch.exp(0.5 * lv) * torch.randn_like(m)) * self.scaling
        if flip:
            f = torch.rand(len(idx)) < 0.5
            z[f] = z[f].flip(-1)
        return z

    def loss(self, unet: UNet, z0: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        t = torch.randint(0, 1000, (z0.shape[0],))
        eps = torch.randn_like(z0)
        a = self.acp[t].sqrt()[:, None, None, None]
        b = (1 - self.acp[t]).sqrt()[:, None, None, None]
        return F.mse_loss(unet(a * z0 + b * eps, t.float(), cond), eps)
