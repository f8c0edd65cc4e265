"""Text-conditioned UNet in miniature (diffusers' UNet2DConditionModel family).

Levels follow SD 1.x: CrossAttnDownBlock2D for every level but the last
(DownBlock2D), a mid block with cross-attention, and mirrored up blocks with skip
connections. With block_channels of length 3 and a 32×32 latent, cross-attention
sits at 32, 16 (down and up) and 8 (mid) — the 8 and 16 play the paper's 8×8
and 16×16 (GenPromp aggregates the cross-attention maps at those two resolutions).

Every cross-attention (attn2) records its post-softmax probabilities averaged over
heads and reduced with `token_weights` [B, L] (one-hot at the class token for
GenPromp), so the exported graph outputs small [B, H·W] maps instead of the whole
[B, heads, H·W, L] tensor.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .layers import DictConfig, Downsample, ResnetBlock, Upsample


@dataclass
class UNetConfig(DictConfig):
    in_channels: int = 4
    block_channels: tuple[int, ...] = (32, 64, 64)
    cross_attention: tuple[bool, ...] = (True, True, False)  # per down level; up levels mirror
    # Self-attention (attn1) per down level where there is cross-attention; None = everywhere.
    # At a 32² latent it costs a 1024×1024 map per head — most of a CPU training step — so the
    # toy-world UNet keeps it only at 16² and 8² (its cross-attention stays at all three).
    self_attention: tuple[bool, ...] | None = None
    layers_per_block: int = 1
    heads: int = 4
    cross_attention_dim: int = 64
    groups: int = 8
    sample_size: int = 32



def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding as diffusers (flip_sin_to_cos=True, downscale_freq_shift=0)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)  # [B, dim]


class Attention(nn.Module):
    """Multi-head attention; as cross-attention it can record token-weighted maps."""

    def __init__(self, dim: int, context_dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(context_dim, dim, bias=False)
        self.to_v = nn.Linear(context_dim, dim, bias=False)
        self.to_out = nn.Linear(dim, dim)
        self.recorded: torch.Tensor | None = None

    def forward(self, x, context=None, token_weights=None):
        b, n, c = x.shape
        ctx = x if context is None else context
        d = c // self.heads
        q = self.to_q(x).reshape(b, n, self.heads, d).transpose(1, 2)  # [B, h, N, d]
        k = self.to_k(ctx).reshape(b, -1, self.heads, d).transpose(1, 2)  # [B, h, L, d]
        v = self.to_v(ctx).reshape(b, -1, self.heads, d).transpose(1, 2)
        probs = torch.softmax(q @ k.transpose(-1, -2) * d**-0.5, dim=-1)  # [B, h, N, L]
        if token_weights is not None:
            # head mean, then the weighted sum over tokens → [B, N]
            self.recorded = (probs.mean(dim=1) * token_weights[:, None, :]).sum(dim=-1)
        return self.to_out((probs @ v).transpose(1, 2).reshape(b, n, c))


class TransformerBlock(nn.Module):
    """diffusers' Transformer2DModel with one BasicTransformerBlock (attn1, attn2, GEGLU)."""

    def __init__(self, c: int, context_dim: int, heads: int, groups: int, self_attention: bool = True):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c, eps=1e-6)
        self.proj_in = nn.Conv2d(c, c, 1)
        self.norm1 = nn.LayerNorm(c) if self_attention else None  # registration order kept: export bytes depend on it
        self.norm2, self.norm3 = nn.LayerNorm(c), nn.LayerNorm(c)
        self.attn1 = Attention(c, c, heads) if self_attention else None
        self.attn2 = Attention(c, context_dim, heads)
        self.ff_proj = nn.Linear(c, 8 * c)  # GEGLU: 2 × 4c
        self.ff_out = nn.Linear(4 * c, c)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x, context, token_weights):
        b, c, h, w = x.shape
        t = self.proj_in(self.norm(x)).reshape(b, c, h * w).transpose(1, 2)  # [B, HW, C]
        if self.attn1 is not None:
            t = t + self.attn1(self.norm1(t))
        t = t + self.attn2(self.norm2(t), context, token_weights)
        a, gate = self.ff_proj(self.norm3(t)).chunk(2, dim=-1)
        t = t + self.ff_out(a * F.gelu(gate))
        return x + self.proj_out(t.transpose(1, 2).reshape(b, c, h, w))


class UNet(nn.Module):
    def __init__(self, cfg: UNetConfig):
        super().__init__()
        self.cfg = cfg
        ch, g = cfg.block_channels, cfg.groups
        self_attn = cfg.self_attention or cfg.cross_attention
        temb = 4 * ch[0]
        self.time_embedding = nn.Sequential(nn.Linear(ch[0], temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(cfg.in_channels, ch[0], 3, padding=1)

        self.down_blocks = nn.ModuleList()
        skips = [ch[0]]
        cin = ch[0]
        for i, cout in enumerate(ch):
            blk = nn.Module()
            blk.resnets = nn.ModuleList([ResnetBlock(cin if j == 0 else cout, cout, g, temb) for j in range(cfg.layers_per_block)])
            blk.attentions = nn.ModuleList(
                [TransformerBlock(cout, cfg.cross_attention_dim, cfg.heads, g, self_attn[i]) for _ in range(cfg.layers_per_block)]
                if cfg.cross_attention[i] else []
            )
            skips += [cout] * cfg.layers_per_block
            blk.downsample = Downsample(cout) if i < len(ch) - 1 else None
            if blk.downsample is not None:
                skips.append(cout)
            self.down_blocks.append(blk)
            cin = cout

        self.mid_res1 = ResnetBlock(cin, cin, g, temb)
        self.mid_attn = TransformerBlock(cin, cfg.cross_attention_dim, cfg.heads, g)
        self.mid_res2 = ResnetBlock(cin, cin, g, temb)

        self.up_blocks = nn.ModuleList()
        rch = list(reversed(ch))
        rattn = list(reversed(cfg.cross_attention))
        rself = list(reversed(self_attn))
        for i, cout in enumerate(rch):
            blk = nn.Module()
            n = cfg.layers_per_block + 1
            res = []
            for _j in range(n):
                res.append(ResnetBlock(cin + skips.pop(), cout, g, temb))
                cin = cout
            blk.resnets = nn.ModuleList(res)
            blk.attentions = nn.ModuleList(
                [TransformerBlock(cout, cfg.cross_attention_dim, cfg.heads, g, rself[i]) for _ in range(n)] if rattn[i] else []
            )
            blk.upsample = Upsample(cout) if i < len(rch) - 1 else None
            self.up_blocks.append(blk)
        self.conv_norm_out = nn.GroupNorm(g, cin, eps=1e-6)
        self.conv_out = nn.Conv2d(cin, cfg.in_channels, 3, padding=1)

    def attention_layers(self) -> list[tuple[str, int, int, int, Attention]]:
        """(block kind, block index, layer, resolution, attn2) in a fixed order."""
        out, res = [], self.cfg.sample_size
        for i, blk in enumerate(self.down_blocks):
            for j, a in enumerate(blk.attentions):
                out.append(("down", i, j, res, a.attn2))
            if blk.downsample is not None:
                res //= 2
        out.append(("mid", 0, 0, res, self.mid_attn.attn2))
        for i, blk in enumerate(self.up_blocks):
            for j, a in enumerate(blk.attentions):
                out.append(("up", i, j, res, a.attn2))
            if blk.upsample is not None:
                res *= 2
        return out

    def forward(self, sample, timestep, encoder_hidden_states, token_weights=None):
        """sample [B, 4, h, w], timestep [B], encoder_hidden_states [B, L, D] → ε [B, 4, h, w]."""
        emb = self.time_embedding(timestep_embedding(timestep, self.cfg.block_channels[0]))
        h = self.conv_in(sample)
        skips = [h]
        for blk in self.down_blocks:
            for j, r in enumerate(blk.resnets):
                h = r(h, emb)
                if len(blk.attentions):
                    h = blk.attentions[j](h, encoder_hidden_states, token_weights)
                skips.append(h)
            if blk.downsample is not None:
                h = blk.downsample(h)
                skips.append(h)
        h = self.mid_res2(self.mid_attn(self.mid_res1(h, emb), encoder_hidden_states, token_weights), emb)
        for blk in self.up_blocks:
            for j, r in enumerate(blk.resnets):
                h = r(torch.cat([h, skips.pop()], dim=1), emb)
                if len(blk.attentions):
                    h = blk.attentions[j](h, encoder_hidden_states, token_weights)
            if blk.upsample is not None:
                h = blk.upsample(h)
        return self.conv_out(F.silu(self.conv_norm_out(h)))


def attention_output_name(kind: str, block: int, layer: int) -> str:
    return f"attn_{kind}_{block}_{layer}"


class UNetAttentionExport(nn.Module):
    """ONNX graph: (sample, timestep, encoder_hidden_states, token_weights) → the attn2 maps.

    ε is not an output (GenPromp discards it), so the exporter drops the layers
    after the last recorded attention.
    """

    def __init__(self, unet: UNet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states, token_weights):
        self.unet(sample, timestep, encoder_hidden_states, token_weights)
        return tuple(a.recorded for *_, a in self.unet.attention_layers())
