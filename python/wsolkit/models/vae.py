"""AutoencoderKL in miniature (Stable Diffusion's VAE family).

Encoder: conv_in → per level [ResnetBlock × n, Downsample except last] → mid
[Resnet, self-attention, Resnet] → GroupNorm/SiLU/conv_out (2·latent channels)
→ quant_conv. Its output is the diagonal Gaussian posterior (mean, logvar).
"""
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .layers import DictConfig, Downsample, ResnetBlock, Upsample


@dataclass
class VAEConfig(DictConfig):
    in_channels: int = 3
    latent_channels: int = 4
    block_channels: tuple[int, ...] = (32, 64, 64)  # downsample factor 2**(len-1)
    layers_per_block: int = 1
    groups: int = 8
    scaling_factor: float = 0.18215

    @property
    def downsample(self) -> int:
        return 2 ** (len(self.block_channels) - 1)



class SelfAttention2d(nn.Module):
    """Single-head spatial self-attention of the VAE's mid block."""

    def __init__(self, c: int, groups: int):
        super().__init__()
        self.group_norm = nn.GroupNorm(groups, c, eps=1e-6)
        self.to_q, self.to_k, self.to_v = nn.Linear(c, c), nn.Linear(c, c), nn.Linear(c, c)
        self.to_out = nn.Linear(c, c)

    def forward(self, x):
        b, c, h, w = x.shape
        t = self.group_norm(x).reshape(b, c, h * w).transpose(1, 2)  # [B, HW, C]
        q, k, v = self.to_q(t), self.to_k(t), self.to_v(t)
        a = torch.softmax(q @ k.transpose(1, 2) * c**-0.5, dim=-1)  # [B, HW, HW]
        out = self.to_out(a @ v).transpose(1, 2).reshape(b, c, h, w)
        return x + out


class Encoder(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        ch = cfg.block_channels
        self.conv_in = nn.Conv2d(cfg.in_channels, ch[0], 3, padding=1)
        self.down = nn.ModuleList()
        cin = ch[0]
        for i, cout in enumerate(ch):
            level = nn.Module()
            level.resnets = nn.ModuleList([ResnetBlock(cin if j == 0 else cout, cout, cfg.groups) for j in range(cfg.layers_per_block)])
            level.downsample = Downsample(cout) if i < len(ch) - 1 else None
            self.down.append(level)
            cin = cout
        self.mid_res1 = ResnetBlock(cin, cin, cfg.groups)
        self.mid_attn = SelfAttention2d(cin, cfg.groups)
        self.mid_res2 = ResnetBlock(cin, cin, cfg.groups)
        self.norm_out = nn.GroupNorm(cfg.groups, cin, eps=1e-6)
        self.conv_out = nn.Conv2d(cin, 2 * cfg.latent_channels, 3, padding=1)

    def forward(self, x):
        h = self.conv_in(x)
        for level in self.down:
            for r in level.resnets:
                h = r(h)
            if level.downsample is not None:
                h = level.downsample(h)
        h = self.mid_res2(self.mid_attn(self.mid_res1(h)))
        return self.conv_out(F.silu(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        ch = list(reversed(cfg.block_channels))
        self.conv_in = nn.Conv2d(cfg.latent_channels, ch[0], 3, padding=1)
        self.mid_res1 = ResnetBlock(ch[0], ch[0], cfg.groups)
        self.mid_attn = SelfAttention2d(ch[0], cfg.groups)
        self.mid_res2 = ResnetBlock(ch[0], ch[0], cfg.groups)
        self.up = nn.ModuleList()
        cin = ch[0]
        for i, cout in enumerate(ch):
            level = nn.Module()
            level.resnets = nn.ModuleList([ResnetBlock(cin if j == 0 else cout, cout, cfg.groups) for j in range(cfg.layers_per_block + 1)])
            level.upsample = Upsample(cout) if i < len(ch) - 1 else None
            self.up.append(level)
            cin = cout
        self.norm_out = nn.GroupNorm(cfg.groups, cin, eps=1e-6)
        self.conv_out = nn.Conv2d(cin, cfg.in_channels, 3, padding=1)

    def forward(self, z):
        h = self.mid_res2(self.mid_attn(self.mid_res1(self.conv_in(z))))
        for level in self.up:
            for r in level.resnets:
                h = r(h)
            if level.upsample is not None:
                h = level.upsample(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class VAE(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.quant_conv = nn.Conv2d(2 * cfg.latent_channels, 2 * cfg.latent_channels, 1)
        self.post_quant_conv = nn.Conv2d(cfg.latent_channels, cfg.latent_channels, 1)
        self.decoder = Decoder(cfg)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x [B, 3, H, W] in [-1, 1] → (mean, logvar), each [B, latent, H/f, W/f]."""
        moments = self.quant_conv(self.encoder(x))
        mean, logvar = torch.chunk(moments, 2, dim=1)
        return mean, torch.clamp(logvar, -30.0, 20.0)  # as diffusers' DiagonalGaussianDistribution

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.post_quant_conv(z))


class VAEEncoderExport(nn.Module):
    """ONNX graph: image → latent_mean, latent_logvar (sampling happens in the app, seeded)."""

    def __init__(self, vae: VAE):
        super().__init__()
        self.vae = vae

    def forward(self, image):
        return self.vae.encode(image)
