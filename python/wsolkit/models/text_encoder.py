"""CLIP-style text encoder in miniature (the text tower of CLIP ViT-L/14, scaled down).

Token + position embeddings → pre-LN causal transformer (quick-GELU MLP) →
final LayerNorm. `last_hidden_state` is what Stable Diffusion conditions on and
what GenPromp mixes: f = λ·f_r + (1−λ)·f_d.

GenPromp's concept token is a learned *input* embedding row. The exported graph
therefore takes `override_embeds` and `override_mask`: where the mask is 1 the
given row replaces the table lookup, so the app can inject any learned row
without resizing the table (SD 1.x: ids 49408+k do not exist in the table).
"""
from dataclasses import dataclass

import torch
from torch import nn

from .layers import DictConfig


@dataclass
class TextEncoderConfig(DictConfig):
    vocab_size: int = 128
    context_length: int = 77
    width: int = 64  # hidden size = input-embedding size, as in CLIP
    layers: int = 2
    heads: int = 4
    projection_dim: int = 64  # for contrastive pre-training (pooled EOS → projection)



class CausalSelfAttention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj = (nn.Linear(width, width) for _ in range(3))
        self.out_proj = nn.Linear(width, width)

    def forward(self, x, mask):
        b, n, c = x.shape
        d = c // self.heads
        split = lambda t: t.reshape(b, n, self.heads, d).transpose(1, 2)  # [B, h, N, d]
        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        a = torch.softmax(q @ k.transpose(-1, -2) * d**-0.5 + mask, dim=-1)  # [B, h, N, N]
        return self.out_proj((a @ v).transpose(1, 2).reshape(b, n, c))


class EncoderLayer(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(width)
        self.self_attn = CausalSelfAttention(width, heads)
        self.layer_norm2 = nn.LayerNorm(width)
        self.fc1, self.fc2 = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)

    def forward(self, x, mask):
        x = x + self.self_attn(self.layer_norm1(x), mask)
        h = self.fc1(self.layer_norm2(x))
        return x + self.fc2(h * torch.sigmoid(1.702 * h))  # quick-GELU, as CLIP


class TextEncoder(nn.Module):
    def __init__(self, cfg: TextEncoderConfig):
        super().__init__()
        self.cfg = cfg
        self.token_embedding = nn.Embedding(cfg.vocab_size, cfg.width)
        self.position_embedding = nn.Parameter(torch.randn(cfg.context_length, cfg.width) * 0.01)
        self.layers = nn.ModuleList([EncoderLayer(cfg.width, cfg.heads) for _ in range(cfg.layers)])
        self.final_layer_norm = nn.LayerNorm(cfg.width)
        self.text_projection = nn.Linear(cfg.width, cfg.projection_dim, bias=False)
        causal = torch.full((cfg.context_length, cfg.context_length), float("-inf")).triu(1)
        self.register_buffer("causal_mask", causal, persistent=False)

    def embed(self, input_ids, override_embeds=None, override_mask=None):
        """input_ids [B, L] → input embeddings [B, L, D], with optional row overrides."""
        e = self.token_embedding(input_ids.long())
        if override_embeds is not None:
            m = override_mask[..., None].to(e.dtype)  # [B, L, 1]
            e = e * (1 - m) + override_embeds * m
        return e

    def forward(self, input_ids, override_embeds=None, override_mask=None):
        """→ last_hidden_state [B, L, D] (after the final LayerNorm)."""
        x = self.embed(input_ids, override_embeds, override_mask) + self.position_embedding
        for layer in self.layers:
            x = layer(x, self.causal_mask)
        return self.final_layer_norm(x)

    def pooled(self, hidden, input_ids, eos_id: int):
        """CLIP pooling: the hidden state at the (first) EOS token, projected."""
        idx = (input_ids == eos_id).int().argmax(dim=1)  # [B]
        return self.text_projection(hidden[torch.arange(hidden.shape[0]), idx])
