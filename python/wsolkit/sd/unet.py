"""UNet export wrapper: diffusers' UNet2DConditionModel → GenPromp's cross-attention maps.

GenPromp reads the attn2 (cross-attention) probabilities at the two lowest resolutions of
a 64×64 latent (SD 1.x; 8 heads each):

| group   | layers                                   | resolution |
|---------|------------------------------------------|------------|
| G8      | mid_block.attentions.0                   | 8×8        |
| G16down | down_blocks.2.attentions.{0,1}           | 16×16      |
| G16up   | up_blocks.1.attentions.{0,1,2}           | 16×16      |

(down_blocks[3] and up_blocks[0] have no attention.) The noise prediction is discarded, so
the truncated graph stops after up_blocks[1]: up_blocks[2–3], conv_norm_out and conv_out are
not exported. `full=True` exports the whole UNet and adds `noise_pred`, to compare the two.

ONNX I/O (same as the miniature packs, so the app's pipeline runs SD packs unchanged):
  sample [B, 4, h, w], timestep float32 [B], encoder_hidden_states [B, 77, D], token_weights [B, 77]
  → one output per read layer, [B, r·r]: post-softmax attn2 probabilities (softmax(QKᵀ·head_dim^-½)
    over the 77 keys), averaged over heads, summed over tokens with token_weights
  (+ with all_tokens: `<name>_tokens` [B, r·r, 77], the head-averaged probabilities of every token)
  (+ with full: noise_pred [B, 4, h, w]).
"""
from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from ..models.unet import attention_output_name
from . import groupnorm
from .attention import PlainAttnProcessor, RecordingState


@dataclass
class AttentionLayer:
    kind: str  # "down" | "mid" | "up"
    block: int
    layer: int
    resolution: int
    heads: int
    module: nn.Module  # the attn2 CrossAttention

    @property
    def output(self) -> str:
        return attention_output_name(self.kind, self.block, self.layer)


def attention_layers(unet, latent_size: int) -> list[AttentionLayer]:
    """Every attn2 of the UNet in forward order (down, mid, up), with its resolution at this latent size."""
    out = []
    res = latent_size
    for i, blk in enumerate(unet.down_blocks):
        for j, t in enumerate(getattr(blk, "attentions", None) or []):
            assert len(t.transformer_blocks) == 1, "SD 1.x has one transformer block per attention"
            out.append(AttentionLayer("down", i, j, res, t.transformer_blocks[0].attn2.heads, t.transformer_blocks[0].attn2))
        if blk.downsamplers is not None:
            res //= 2
    for j, t in enumerate(unet.mid_block.attentions):
        out.append(AttentionLayer("mid", 0, j, res, t.transformer_blocks[0].attn2.heads, t.transformer_blocks[0].attn2))
    for i, blk in enumerate(unet.up_blocks):
        for j, t in enumerate(getattr(blk, "attentions", None) or []):
            out.append(AttentionLayer("up", i, j, res, t.transformer_blocks[0].attn2.heads, t.transformer_blocks[0].attn2))
        if blk.upsamplers is not None:
            res *= 2
    return out


def genpromp_layers(unet, latent_size: int) -> list[AttentionLayer]:
    """The layers GenPromp reads: resolutions latent/8 and latent/4 (8 and 16 at a 64×64 latent)."""
    wanted = {latent_size // 8, latent_size // 4}
    return [a for a in attention_layers(unet, latent_size) if a.resolution in wanted]


class UNetExport(nn.Module):
    """(sample, timestep, encoder_hidden_states, token_weights) → GenPromp's attn2 maps [, noise_pred].

    Installs PlainAttnProcessor on every attention layer of `unet` (the maths is diffusers'
    CrossAttnProcessor's; only the read layers record). During forward (and so in the export)
    the GroupNorms take groupnorm.py's two-level form.
    """

    def __init__(self, unet, latent_size: int = 64, full: bool = False, all_tokens: bool = False):
        super().__init__()
        self.unet, self.full, self.all_tokens = unet, full, all_tokens
        self.layers = genpromp_layers(unet, latent_size)
        self.state = RecordingState(all_tokens)
        read = {id(a.module) for a in self.layers}
        self.processors = {}
        for module in unet.modules():
            if hasattr(module, "set_processor"):
                p = PlainAttnProcessor(self.state if id(module) in read else None)
                module.set_processor(p)
                self.processors[id(module)] = p
        # The last up block holding a read layer: the truncated graph ends there.
        self.last_up = max((a.block for a in self.layers if a.kind == "up"), default=-1)

    def output_names(self) -> list[str]:
        names = [a.output for a in self.layers]
        if self.all_tokens:
            names += [a.output + "_tokens" for a in self.layers]
        return names + (["noise_pred"] if self.full else [])

    def _trunk(self, sample, timestep, encoder_hidden_states):
        """diffusers 0.13.1's UNet2DConditionModel.forward up to and including up_blocks[last_up]."""
        u = self.unet
        emb = u.time_embedding(u.time_proj(timestep).to(sample.dtype))  # [B, 4·C0]
        h = u.conv_in(sample)  # [B, C0, h, w]
        skips = (h,)
        for blk in u.down_blocks:
            if getattr(blk, "has_cross_attention", False):
                h, res = blk(hidden_states=h, temb=emb, encoder_hidden_states=encoder_hidden_states)
            else:
                h, res = blk(hidden_states=h, temb=emb)
            skips += res
        h = u.mid_block(h, emb, encoder_hidden_states=encoder_hidden_states)  # [B, C3, h/8, w/8]
        for blk in u.up_blocks[: self.last_up + 1]:
            res, skips = skips[-len(blk.resnets):], skips[: -len(blk.resnets)]
            if getattr(blk, "has_cross_attention", False):
                h = blk(hidden_states=h, temb=emb, res_hidden_states_tuple=res, encoder_hidden_states=encoder_hidden_states)
            else:
                h = blk(hidden_states=h, temb=emb, res_hidden_states_tuple=res)
        return h

    def forward(self, sample, timestep, encoder_hidden_states, token_weights):
        self.state.token_weights = token_weights
        try:
            with groupnorm.patched(self.unet):
                if self.full:
                    noise_pred = self.unet(sample, timestep, encoder_hidden_states, return_dict=False)[0]  # [B, 4, h, w]
                else:
                    self._trunk(sample, timestep, encoder_hidden_states)
            procs = [self.processors[id(a.module)] for a in self.layers]
            outs = [p.recorded for p in procs]
            if self.all_tokens:
                outs += [p.recorded_all for p in procs]
            if self.full:
                outs.append(noise_pred)
            return tuple(outs)
        finally:
            self.state.token_weights = None
