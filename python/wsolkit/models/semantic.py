"""A semantic first stage: the fine-tuned classifier's features as the diffusion latent.

GenPromp never decodes a latent: training and inference only encode. So the first stage
need not be a VAE. Here it is the frozen toy-world EfficientNet-Lite0 classifier, whose
features carry class identity at every object pixel (a from-scratch VAE's latent does not:
the UNet's queries at object pixels then cannot tell classes apart, and its class-token
attention becomes class-agnostic saliency).

latent [B, fine + coarse, S, S] =
  PCA_fine(stride-8 block output, 40 ch)    → fine channels (shape detail)
  PCA_coarse(head features, 1280 ch, 1/16)  → coarse channels (class identity), upsampled
both whitened (unit variance per channel on the training images), so the scaling factor is 1
and the noise schedule sees the same signal-to-noise ratio as for Stable Diffusion's scaled
latents. The PCA is fitted by `python -m wsolkit.train.semantic`.

It has the VAE's interface (`encode` → mean, logvar; cfg.latent_channels, downsample,
scaling_factor), so every pipeline and export that takes a VAE takes it; the log-variance is
the VAE's floor (−30), so a "sample" is the mean.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .layers import DictConfig
from .lite0 import FEATURES, MEAN, STD, backbone

FINE_WIDTH = 40  # channels after block FINE_BLOCK (the last stride-8 MBConv block)
FINE_BLOCK = 4


@dataclass
class SemanticConfig(DictConfig):
    num_classes: int = 30  # the classifier the backbone comes from
    encoder_size: int = 192  # the classifier's input size; images are resized to it
    last_stride: int = 1
    image_size: int = 128  # the pipeline's image size
    latent_size: int = 32
    fine_channels: int = 4
    coarse_channels: int = 12
    scaling_factor: float = 1.0

    @property
    def latent_channels(self) -> int:
        return self.fine_channels + self.coarse_channels

    @property
    def downsample(self) -> int:
        return self.image_size // self.latent_size


class SemanticEncoder(nn.Module):
    def __init__(self, cfg: SemanticConfig):
        super().__init__()
        self.cfg = cfg
        self.backbone = backbone(cfg.encoder_size, cfg.last_stride, pretrained=False)
        self.register_buffer("fine_mean", torch.zeros(FINE_WIDTH))
        self.register_buffer("fine_proj", torch.zeros(cfg.fine_channels, FINE_WIDTH))  # rows: whitened components
        self.register_buffer("coarse_mean", torch.zeros(FEATURES))
        self.register_buffer("coarse_proj", torch.zeros(cfg.coarse_channels, FEATURES))
        self.requires_grad_(False)

    def features(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x [B, 3, H, W] in [-1, 1] → (fine [B, 40, E/8, E/8], coarse [B, 1280, E/16, E/16]), E = encoder_size."""
        b = self.backbone
        x01 = (x + 1) / 2
        mean = torch.tensor(MEAN, dtype=x.dtype, device=x.device)[:, None, None]
        std = torch.tensor(STD, dtype=x.dtype, device=x.device)[:, None, None]
        h = F.interpolate((x01 - mean) / std, size=(self.cfg.encoder_size,) * 2, mode="bilinear", align_corners=False)
        h = b._swish(b._bn0(b._conv_stem(h)))
        fine = h
        for i, block in enumerate(b._blocks):
            h = block(h, drop_connect_rate=None)
            if i == FINE_BLOCK:
                fine = h
        return fine, b._swish(b._bn1(b._conv_head(h)))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x [B, 3, H, W] in [-1, 1] → (mean, logvar), each [B, latent_channels, S, S]."""
        fine, coarse = self.features(x)
        s = (self.cfg.latent_size,) * 2
        zf = torch.einsum("kc,bchw->bkhw", self.fine_proj, fine - self.fine_mean[:, None, None])
        zc = torch.einsum("kc,bchw->bkhw", self.coarse_proj, coarse - self.coarse_mean[:, None, None])
        z = torch.cat([F.interpolate(zf, size=s, mode="bilinear", align_corners=False),
                       F.interpolate(zc, size=s, mode="bilinear", align_corners=False)], 1)
        return z, torch.full_like(z, -30.0)
