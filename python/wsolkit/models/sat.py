"""SAT (Wu et al., ICCV 2023), a miniature: a ViT with one learned spatial token.

Sequence = [cls, patches, spatial]. The last `sqa_blocks` blocks use spatial-query
attention (SAT's paper and code): the spatial token's attention logits, head-averaged
and squashed by a sigmoid, give a mask m over the keys; softmax(S) is scaled by m
column-wise (no renormalisation). m at the patch positions is that block's
localisation map; SAT's map is the mean over those blocks. Classification is a
3×3 conv head on the final patch tokens + GAP; cls and spatial outputs feed no head.

The export returns every SQA block's map, so the app can show one block or the mean.
"""
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .layers import DictConfig


@dataclass
class SATConfig(DictConfig):
    num_classes: int = 30
    image_size: int = 128
    patch_size: int = 8
    dim: int = 96
    depth: int = 6
    heads: int = 3
    mlp_ratio: int = 4
    sqa_blocks: int = 3  # the last three blocks, as SAT's 9…11 of 12

    @property
    def grid(self) -> int:
        return self.image_size // self.patch_size



class Attention(nn.Module):
    def __init__(self, dim, heads, spatial_query: bool):
        super().__init__()
        self.heads, self.spatial_query = heads, spatial_query
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        """x [B, T, D] → (out [B, T, D], mask [B, T] or None); the spatial token is x[:, -1]."""
        B, T, D = x.shape
        q, k, v = self.qkv(x).reshape(B, T, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)  # each [B, h, T, d]
        s = (q @ k.transpose(-2, -1)) * self.scale  # [B, h, T, T]
        a = s.softmax(dim=-1)
        mask = None
        if self.spatial_query:
            mask = torch.sigmoid(s[:, :, -1, :].mean(dim=1))  # [B, T]: head mean before the sigmoid
            a = a * mask[:, None, None, :]  # key column j scaled by m_j, every head and query row
        out = (a @ v).transpose(1, 2).reshape(B, T, D)
        return self.proj(out), mask


class Block(nn.Module):
    def __init__(self, cfg: SATConfig, spatial_query: bool):
        super().__init__()
        self.norm1 = nn.LayerNorm(cfg.dim, eps=1e-6)
        self.attn = Attention(cfg.dim, cfg.heads, spatial_query)
        self.norm2 = nn.LayerNorm(cfg.dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(cfg.dim, cfg.dim * cfg.mlp_ratio), nn.GELU(), nn.Linear(cfg.dim * cfg.mlp_ratio, cfg.dim))

    def forward(self, x):
        y, mask = self.attn(self.norm1(x))
        x = x + y
        return x + self.mlp(self.norm2(x)), mask


class SAT(nn.Module):
    def __init__(self, cfg: SATConfig):
        super().__init__()
        self.cfg = cfg
        n = cfg.grid**2
        self.patch_embed = nn.Conv2d(3, cfg.dim, cfg.patch_size, cfg.patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + 1, cfg.dim))
        self.loc_token = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        self.loc_embed = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        for p in (self.cls_token, self.pos_embed, self.loc_token, self.loc_embed):
            nn.init.trunc_normal_(p, std=0.02)
        self.blocks = nn.ModuleList(Block(cfg, i >= cfg.depth - cfg.sqa_blocks) for i in range(cfg.depth))
        self.norm = nn.LayerNorm(cfg.dim, eps=1e-6)
        self.head = nn.Conv2d(cfg.dim, cfg.num_classes, 3, padding=1)
        self.apply(_init_linear)

    def forward(self, x):
        """x [B, 3, S, S] normalised → (logits [B, C], block_maps [B, sqa_blocks, g, g] in (0, 1))."""
        B, g = x.shape[0], self.cfg.grid
        t = self.patch_embed(x).flatten(2).transpose(1, 2)  # [B, g², D]
        t = torch.cat([self.cls_token.expand(B, -1, -1), t], dim=1) + self.pos_embed
        t = torch.cat([t, (self.loc_token + self.loc_embed).expand(B, -1, -1)], dim=1)  # [B, g²+2, D]
        masks = []
        for blk in self.blocks:
            t, m = blk(t)
            if m is not None:
                masks.append(m[:, 1 : 1 + g * g].reshape(B, g, g))
        patches = self.norm(t)[:, 1 : 1 + g * g].transpose(1, 2).reshape(B, self.cfg.dim, g, g)
        logits = F.adaptive_avg_pool2d(self.head(patches), 1).flatten(1)
        return logits, torch.stack(masks, dim=1)


def _init_linear(m):
    if isinstance(m, nn.Linear):
        nn.init.trunc_normal_(m.weight, std=0.02)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.LayerNorm):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)


def gaussian_kernel(size=3, nsig=6.0) -> torch.Tensor:
    """SAT's get_kernel(3, nsig=6): a normalised 2-D Gaussian from the normal CDF → [1, 1, k, k]."""
    interval = (2 * nsig + 1.0) / size
    xs = torch.linspace(-nsig - interval / 2, nsig + interval / 2, size + 1, dtype=torch.float64)
    cdf = 0.5 * (1 + torch.erf(xs / 2**0.5))
    k1 = cdf[1:] - cdf[:-1]
    k = torch.sqrt(torch.outer(k1, k1))
    return (k / k.sum()).float()[None, None]


def sat_losses(logits, maps, labels, area_target: float) -> tuple[torch.Tensor, dict]:
    """CE + |mean_b area_b − λ| + mean_b mean(M̃ ⊙ (1 − M̃)), all weights 1 (as SAT's code)."""
    m = maps.mean(dim=1, keepdim=True)  # [B, 1, g, g]
    ce = F.cross_entropy(logits, labels)
    area = (m.mean(dim=(1, 2, 3)).mean() - area_target).abs()
    smooth = F.conv2d(m, gaussian_kernel().to(m), padding=1)
    norm = (smooth * (1 - smooth)).mean()
    return ce + area + norm, {"ce": ce.item(), "area": area.item(), "norm": norm.item()}
