"""GenPromp inference on diffusers' own modules — the reference the exported pack must match.

Follows GenPromp's official inference with wsol-lab's seeded noise:
1. image → RGB (alpha onto white) → PIL bicubic straight to 512×512 → x/127.5 − 1;
2. latent = vae.encode(x).latent_dist: mean + std·ε with ε = noise.gaussian(posterior_seed(seed)), × 0.18215;
3. f_d, f_r: CLIPTextModel last_hidden_state of the 7 templates (meta word / concept token), averaged;
   the concept token is an added tokenizer token whose row in the resized embedding table is the
   learned row (GenPromp's own mechanism — not the export's override inputs); f = λ·f_r + (1−λ)·f_d;
4. for t in {0, 99}: DDPMScheduler.add_noise(z, ε_d, t) with ε_d = noise.gaussian(diffusion_seed(seed)),
   the same ε_d at every t; one full UNet forward with diffusers' classic CrossAttnProcessor maths
   (`attn.get_attention_scores`), storing the post-softmax probabilities of every cross-attention call
   (query length ≠ key length), as GenPromp's hook does;
5. per group (resolution, down/mid/up) at resolutions 8 and 16: [..., 5], mean over layers × heads
   and timesteps, cv2 INTER_CUBIC to 64×64; mean of the groups; ÷ max.
"""
from __future__ import annotations

import copy
import math

import cv2
import numpy as np
import torch

from .. import genpromp as gp
from .. import noise as noise_mod

SCALING = 0.18215


class HookProcessor:
    """diffusers 0.13.1's CrossAttnProcessor, storing cross-attention probabilities [B·heads, N, L]."""

    def __init__(self, name: str, store: dict):
        self.name, self.store = name, store

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None):
        b, n, _ = hidden_states.shape
        attention_mask = attn.prepare_attention_mask(attention_mask, n, b)
        query = attn.to_q(hidden_states)
        context = hidden_states if encoder_hidden_states is None else encoder_hidden_states
        key, value = attn.to_k(context), attn.to_v(context)
        query, key, value = attn.head_to_batch_dim(query), attn.head_to_batch_dim(key), attn.head_to_batch_dim(value)
        probs = attn.get_attention_scores(query, key, attention_mask)
        if query.shape != key.shape:  # cross-attention, as GenPromp's hook decides
            self.store[self.name] = (probs.detach().clone(), attn.heads)
        out = attn.batch_to_head_dim(torch.bmm(probs, value))
        return attn.to_out[1](attn.to_out[0](out))


def tokenizer_with_concepts(tokenizer, concept_tokens: list[str]):
    """A copy of a transformers CLIPTokenizer with the concept tokens added (ids 49408 + k), as GenPromp."""
    tok = copy.deepcopy(tokenizer)
    tok.add_tokens(concept_tokens)
    return tok


def text_encoder_with_rows(text_encoder, tokenizer, concept_tokens: list[str], rows: np.ndarray):
    """A copy of the CLIPTextModel whose resized embedding table holds the concept rows."""
    te = copy.deepcopy(text_encoder)
    te.resize_token_embeddings(len(tokenizer))
    with torch.no_grad():
        table = te.get_input_embeddings().weight
        for token, row in zip(concept_tokens, rows):
            table[tokenizer.convert_tokens_to_ids(token)] = torch.as_tensor(row)
    return te


@torch.no_grad()
def text_embeddings(text_encoder, tokenizer, templates, meta_token: str, concept_token: str):
    """→ f_d, f_r [1, 77, D]."""
    def enc(word):
        ids = tokenizer([t.format(word) for t in templates], padding="max_length", max_length=tokenizer.model_max_length,
                        truncation=True, return_tensors="pt").input_ids
        return text_encoder(ids)[0].mean(dim=0, keepdim=True)
    return enc(meta_token), enc(concept_token)


@torch.no_grad()
def latent(vae, x: torch.Tensor, noise_seed: int) -> torch.Tensor:
    dist = vae.encode(x).latent_dist
    eps = torch.from_numpy(noise_mod.gaussian(noise_mod.posterior_seed(noise_seed), dist.mean.numel()).reshape(dist.mean.shape))
    return (dist.mean + dist.std * eps) * SCALING


def scheduler():
    from diffusers import DDPMScheduler

    return DDPMScheduler(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")


@torch.no_grad()
def cross_attention_probs(unet, z: torch.Tensor, f: torch.Tensor, timesteps, noise_seed: int) -> dict:
    """{t: {module name: (probs [B·heads, N, L], heads)}} from full UNet forwards (processors restored after)."""
    sched = scheduler()
    eps = torch.from_numpy(noise_mod.gaussian(noise_mod.diffusion_seed(noise_seed), z[0].numel()).reshape(z.shape[1:]))[None]
    saved = unet.attn_processors
    out = {}
    try:
        for t in timesteps:
            store: dict = {}
            unet.set_attn_processor({name: HookProcessor(name.removesuffix(".processor"), store) for name in saved})
            noisy = sched.add_noise(z, eps.expand_as(z), torch.tensor([t]))
            unet(noisy, torch.tensor([t]), f)
            out[t] = store
    finally:
        unet.set_attn_processor(dict(saved))
    return out


def group_of(name: str) -> str:
    return "down" if name.startswith("down_blocks") else "mid" if name.startswith("mid_block") else "up"


def layer_maps(probs: dict, token: int = 5) -> dict:
    """{t: {module name: head-averaged map at `token`, float32 [r·r]}} (batch 1)."""
    return {t: {name: p[:, :, token].reshape(1, h, -1).mean(dim=1)[0].numpy() for name, (p, h) in layers.items()}
            for t, layers in probs.items()}


def aggregate(probs: dict, resolutions=(8, 16), latent_hw=(64, 64), token: int = 5) -> np.ndarray:
    """GenPromp's readout: per (resolution, down/mid/up) group, mean over layers × heads × timesteps
    of [..., token], cv2 bicubic to the latent size; mean over groups; ÷ max."""
    H, W = latent_hw
    groups: dict = {}
    for layers in probs.values():
        for name, (p, heads) in layers.items():
            r = math.isqrt(p.shape[1])
            if r in resolutions:
                groups.setdefault((r, group_of(name)), []).append(p[:, :, token].reshape(-1, heads, r, r))  # [B, heads, r, r]
    cam = np.zeros((H, W), np.float32)
    for maps in groups.values():
        g = torch.cat(maps, dim=1)[0].mean(dim=0).numpy()  # layers × heads × timesteps → [r, r]
        cam += cv2.resize(g, (W, H), interpolation=cv2.INTER_CUBIC)
    cam /= np.float32(len(groups))
    return cam / cam.max()


def image_input(path, size: int = 512) -> torch.Tensor:
    rgb = gp.resize_pil_bicubic(gp.composite(gp.load_rgba(path)), (size, size))
    return gp.to_model_input(rgb)


@torch.no_grad()
def run(vae, text_encoder, tokenizer, unet, image: torch.Tensor, meta_token: str, concept_token: str, templates,
        lam: float = 0.6, timesteps=(0, 99), noise_seed: int = 1234, token: int = 5) -> dict:
    """One image, one class → latent, f_d, f_r, per-(t, layer) maps, the aggregated 64×64 map.

    text_encoder/tokenizer must already hold the concept tokens (tokenizer_with_concepts, text_encoder_with_rows).
    """
    z = latent(vae, image, noise_seed)
    f_d, f_r = text_embeddings(text_encoder, tokenizer, templates, meta_token, concept_token)
    f = gp.mix(f_d, f_r, lam)
    probs = cross_attention_probs(unet, z, f, list(timesteps), noise_seed)
    return {"latent": z, "f_d": f_d, "f_r": f_r, "maps": layer_maps(probs, token),
            "cam": aggregate(probs, latent_hw=tuple(z.shape[-2:]), token=token)}
