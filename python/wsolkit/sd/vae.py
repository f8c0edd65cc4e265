"""VAE encoder export wrapper: diffusers' AutoencoderKL → the posterior's moments.

ONNX I/O: image [B, 3, S, S] in [-1, 1] → latent_mean, latent_logvar [B, 4, S/8, S/8]
(encoder → quant_conv → chunk; logvar clamped to [-30, 20] as DiagonalGaussianDistribution).
The app samples mean + exp(½·logvar)·ε with seeded ε and scales by 0.18215 (SD 1.x).

The encoder's mid-block AttentionBlock (diffusers 0.13.1) computes its scores with
baddbmm(torch.empty(…)) like the UNet's processor; the exporter would bake a
[B·heads, HW, HW] constant (64 MB at a 512² input). The wrapper holds a copy of the encoder
whose AttentionBlocks run the same maths as plain matmul + softmax, and whose GroupNorms
export with two-level means (groupnorm.py: onnxruntime's one-pass sums over the large groups
at 512² cost ~1e-3 on the latent).
"""
import copy
import functools
import math

import torch
from torch import nn

from . import groupnorm


def _plain_attention_block(block, hidden_states):
    """diffusers.models.attention.AttentionBlock.forward without baddbmm (same maths)."""
    residual = hidden_states
    b, c, h, w = hidden_states.shape
    x = block.group_norm(hidden_states).view(b, c, h * w).transpose(1, 2)  # [B, HW, C]
    heads = block.num_heads
    d = c // heads
    split = lambda t: t.reshape(b, h * w, heads, d).transpose(1, 2)  # [B, heads, HW, d]
    q, k, v = split(block.query(x)), split(block.key(x)), split(block.value(x))
    probs = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * (1 / math.sqrt(c / heads)), dim=-1)  # [B, heads, HW, HW]
    out = torch.matmul(probs, v).transpose(1, 2).reshape(b, h * w, c)  # [B, HW, C]
    out = block.proj_attn(out).transpose(-1, -2).reshape(b, c, h, w)
    return (out + residual) / block.rescale_output_factor


class VAEEncoderExport(nn.Module):
    def __init__(self, vae):
        """vae: a diffusers AutoencoderKL (left unchanged: the wrapper copies its encoder)."""
        super().__init__()
        from diffusers.models.attention import AttentionBlock

        self.encoder = copy.deepcopy(vae.encoder)
        self.quant_conv = vae.quant_conv
        for m in self.encoder.modules():
            if isinstance(m, AttentionBlock):
                m.forward = functools.partial(_plain_attention_block, m)
        groupnorm.patch(self.encoder)

    def forward(self, image):
        moments = self.quant_conv(self.encoder(image))  # [B, 8, S/8, S/8]
        mean, logvar = torch.chunk(moments, 2, dim=1)
        return mean, torch.clamp(logvar, -30.0, 20.0)
