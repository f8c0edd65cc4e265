"""An attention processor for diffusers 0.13.1's CrossAttention: plain matmul + softmax.

Why not diffusers' own CrossAttnProcessor: its `get_attention_scores` calls
`torch.baddbmm(torch.empty(B·heads, N, L), q, kᵀ, beta=0)`, and the ONNX exporter bakes that
`torch.empty` into a constant of the full score size (a 3M-parameter UNet exported at a 32×32
latent becomes 209 MB, at 64×64 the export runs out of memory). The same maths written as
`softmax(q @ kᵀ · scale)` exports as MatMul → Mul → Softmax with no constant.

For cross-attention layers (attn2) it records what GenPromp reads: the post-softmax
probabilities averaged over heads, reduced over the keys with per-token weights
(`token_weights`, one-hot at the class token) → [B, N]; and optionally the head-averaged
probabilities of every token → [B, N, L] (for a later token selector).
"""
from __future__ import annotations

import torch


class RecordingState:
    """Shared by every processor of one UNet: the current token weights [B, L] (or None: record nothing)."""

    def __init__(self, all_tokens: bool = False):
        self.token_weights: torch.Tensor | None = None
        self.all_tokens = all_tokens


class PlainAttnProcessor:
    """softmax(Q·Kᵀ·head_dim^-½)·V without baddbmm; records attn2 maps when `state` is given."""

    def __init__(self, state: RecordingState | None = None):
        self.state = state
        self.recorded: torch.Tensor | None = None  # [B, N] token-weighted, head-averaged probabilities
        self.recorded_all: torch.Tensor | None = None  # [B, N, L] head-averaged probabilities

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None):
        if attention_mask is not None:
            raise NotImplementedError("GenPromp runs the UNet without an attention mask")
        b, n, _ = hidden_states.shape  # [B, N, C], N = h·w
        context = hidden_states if encoder_hidden_states is None else encoder_hidden_states  # [B, L, D]
        if encoder_hidden_states is not None and attn.cross_attention_norm:
            context = attn.norm_cross(context)
        heads = attn.heads
        q = attn.to_q(hidden_states)  # [B, N, heads·d]
        k = attn.to_k(context)  # [B, L, heads·d]
        v = attn.to_v(context)
        d = q.shape[-1] // heads
        q = q.reshape(b, n, heads, d).transpose(1, 2)  # [B, heads, N, d]
        k = k.reshape(b, -1, heads, d).transpose(1, 2)  # [B, heads, L, d]
        v = v.reshape(b, -1, heads, d).transpose(1, 2)  # [B, heads, L, d]
        probs = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * attn.scale, dim=-1)  # [B, heads, N, L]
        if self.state is not None and self.state.token_weights is not None:
            mean = probs.mean(dim=1)  # [B, N, L]
            self.recorded = torch.matmul(mean, self.state.token_weights[:, :, None])[..., 0]  # [B, N]
            self.recorded_all = mean if self.state.all_tokens else None
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, n, heads * d)  # [B, N, heads·d]
        return attn.to_out[1](attn.to_out[0](out))
