"""GenPromp inference — the Python reference that the TypeScript pipeline must match.

Follows GenPromp's official inference code, with wsol-lab's choices stated here:
- preprocessing: alpha composited onto the pack's background colour with integer
  rounding, then PIL bicubic resize straight to the model size, x/127.5 − 1;
- latent: a posterior *sample* (mean + σ·ε) like the reference, but with seeded ε
  (noise.py) so a map is a function of the image alone; `latent_sampling="mean"`
  is offered as an option;
- one seeded ε_diffusion reused for every timestep, DDPM add_noise;
- f_d / f_r: text-encoder outputs averaged over the prompt templates; the concept
  token's learned input embedding is injected at its position;
- f = λ·f_r + (1−λ)·f_d; one UNet pass per timestep, class-token attention maps;
- aggregation per (resolution, block) group, cv2 bicubic to the latent size,
  mean over groups, ÷ max; box by the TS-CAM evaluator (cv2).
"""
from dataclasses import dataclass

import cv2
import numpy as np
import torch
from PIL import Image

from . import noise as noise_mod
from .scheduler import add_noise


# ---------------------------------------------------------------- preprocessing
def composite(rgba: np.ndarray, bg=(255, 255, 255)) -> np.ndarray:
    """uint8 [H, W, 4] → uint8 [H, W, 3]: round((a·c + (255−a)·bg) / 255), half up."""
    rgb = rgba[..., :3].astype(np.int32)
    a = rgba[..., 3:4].astype(np.int32)
    bgv = np.array(bg, dtype=np.int32)
    return ((a * rgb + (255 - a) * bgv + 127) // 255).astype(np.uint8)


def load_rgba(path) -> np.ndarray:
    """Decode like a browser canvas would for the formats we test with (PNG)."""
    return np.asarray(Image.open(path).convert("RGBA"))


def resize_pil_bicubic(rgb: np.ndarray, size_hw) -> np.ndarray:
    h, w = size_hw
    return np.asarray(Image.fromarray(rgb, "RGB").resize((w, h), Image.BICUBIC))


def to_model_input(rgb: np.ndarray) -> torch.Tensor:
    """uint8 [H, W, 3] → float32 [1, 3, H, W] in [-1, 1]."""
    x = torch.from_numpy(rgb.astype(np.float32) / np.float32(127.5) - np.float32(1.0))
    return x.permute(2, 0, 1)[None].contiguous()


def to_classifier_input(rgb: np.ndarray, mean, std) -> torch.Tensor:
    x = rgb.astype(np.float32) / np.float32(255.0)
    x = (x - np.array(mean, np.float32)) / np.array(std, np.float32)
    return torch.from_numpy(x.astype(np.float32)).permute(2, 0, 1)[None].contiguous()


# ---------------------------------------------------------------- text
@dataclass
class TokenizerSpec:
    tokenizer: object  # tokenizers.Tokenizer
    context_length: int
    bos_id: int
    eos_id: int
    pad_id: int


def encode_prompt(spec: TokenizerSpec, text: str) -> list[int]:
    """[BOS, words…, EOS, PAD…] of length context_length (truncating words)."""
    ids = spec.tokenizer.encode(text, add_special_tokens=False).ids[: spec.context_length - 2]
    ids = [spec.bos_id, *ids, spec.eos_id]
    return ids + [spec.pad_id] * (spec.context_length - len(ids))


def slot_positions(spec: TokenizerSpec, template: str, word: str) -> list[int]:
    """Positions the slot word occupies in the tokenised template."""
    before = spec.tokenizer.encode(template.split("{}")[0], add_special_tokens=False).ids
    n = len(spec.tokenizer.encode(word, add_special_tokens=False).ids)
    return list(range(1 + len(before), 1 + len(before) + n))


@torch.no_grad()
def text_embeddings(text_encoder, spec: TokenizerSpec, templates, meta_token, concept_token, concept_row):
    """→ (f_d, f_r), each [1, L, D]: template-averaged last_hidden_state."""
    concept_id = spec.tokenizer.token_to_id(concept_token)
    ids_d = torch.tensor([encode_prompt(spec, t.format(meta_token)) for t in templates], dtype=torch.int32)
    ids_r = torch.tensor([encode_prompt(spec, t.format(concept_token)) for t in templates], dtype=torch.int32)
    mask = (ids_r == concept_id).float()  # [T, L]
    ids_r = torch.where(ids_r == concept_id, torch.full_like(ids_r, spec.pad_id), ids_r)
    rows = torch.as_tensor(concept_row, dtype=torch.float32)[None, None].expand(len(templates), spec.context_length, -1)
    f_d = text_encoder(ids_d).mean(dim=0, keepdim=True)
    f_r = text_encoder(ids_r, rows, mask).mean(dim=0, keepdim=True)
    return f_d, f_r


def mix(f_d, f_r, lam: float):
    lam32 = np.float32(lam)
    return f_r * lam32 + f_d * (np.float32(1.0) - lam32)


# ---------------------------------------------------------------- latent + UNet
@torch.no_grad()
def latent(vae, x: torch.Tensor, scaling: float, noise_seed: int, sampling="sample") -> np.ndarray:
    mean, logvar = vae.encode(x)
    mean, logvar = mean.numpy(), logvar.numpy()
    if sampling == "mean":
        z = mean
    else:
        eps = noise_mod.gaussian(noise_mod.posterior_seed(noise_seed), mean.size).reshape(mean.shape)
        z = mean + np.exp(np.float32(0.5) * logvar) * eps
    return (z * np.float32(scaling)).astype(np.float32)


@torch.no_grad()
def attention_maps_batch(unet, z: np.ndarray, timesteps, f: torch.Tensor, token_position: int, noise_seed: int, acp) -> dict:
    """z [B, C, h, w], f [B, L, D] → {t: {output_name: float32 [B, r*r]}}.

    One seeded ε (the same for every image and timestep, as the app) and one UNet pass
    per timestep over the whole batch.
    """
    from .models.unet import attention_output_name

    eps = noise_mod.gaussian(noise_mod.diffusion_seed(noise_seed), z[0].size).reshape(z.shape[1:])[None]
    tw = torch.zeros(z.shape[0], f.shape[1])
    tw[:, token_position] = 1.0
    out = {}
    for t in timesteps:
        noisy = torch.from_numpy(add_noise(z, np.broadcast_to(eps, z.shape), t, acp))
        unet(noisy, torch.full((z.shape[0],), float(t)), f, tw)
        out[t] = {attention_output_name(k, b, l): a.recorded.numpy().copy() for k, b, l, _, a in unet.attention_layers()}
    return out


def attention_maps(unet, z: np.ndarray, timesteps, f: torch.Tensor, token_position: int, noise_seed: int, acp) -> dict:
    """One image (batch 1, like the app) → {t: {output_name: float32 [r*r]}}."""
    maps = attention_maps_batch(unet, z, timesteps, f, token_position, noise_seed, acp)
    return {t: {n: v[0] for n, v in layers.items()} for t, layers in maps.items()}


# ---------------------------------------------------------------- aggregation + box
def aggregate(maps: dict, timesteps, resolutions, layers, latent_hw) -> np.ndarray:
    """layers: [(name, block_kind, resolution)]. GenPromp's aggregation: per (resolution, block) group, mean, cv2.INTER_CUBIC to the latent size, mean over groups, ÷ max."""
    H, W = latent_hw
    groups: dict = {}
    for name, kind, res in layers:
        if res in resolutions:
            groups.setdefault((res, kind), []).append(name)
    cam = np.zeros((H, W), np.float32)
    for (res, _), names in groups.items():
        s = np.zeros(res * res, np.float32)
        for t in timesteps:
            for n in names:
                s += maps[t][n]
        s /= np.float32(len(timesteps) * len(names))
        cam += cv2.resize(s.reshape(res, res), (W, H), interpolation=cv2.INTER_CUBIC)
    cam /= np.float32(len(groups))
    return cam / cam.max()


def localize(cam_latent: np.ndarray, frame_hw, tau: float, mode="largest"):
    """TS-CAM evaluator: bilinear to the frame, min-max, uint8, > int(τ·255), contours.

    "largest": GenPromp's box, [x, y, x+w, y+h] unclipped. "all": one box per contour,
    clipped to x1 ≤ W−1, y1 ≤ H−1 as wsolevaluation's MaxBoxAccV2 does.
    """
    fh, fw = frame_hw
    m = cv2.resize(cam_latent, (fw, fh))  # default INTER_LINEAR
    lo, hi = m.min(), m.max()
    m = (m - lo) / (hi - lo) if hi > lo else np.zeros_like(m)
    u8 = (m * 255).astype(np.uint8)
    _, th = cv2.threshold(u8, int(tau * 255), 255, cv2.THRESH_TOZERO)
    contours, _ = cv2.findContours(th, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return [[0, 0, 1, 1]] if mode == "largest" else [[0, 0, 0, 0]]
    if mode == "largest":
        contours = [max(contours, key=cv2.contourArea)]
    boxes = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if mode == "largest":
            boxes.append([x, y, x + w, y + h])
        else:
            boxes.append([x, y, min(x + w, fw - 1), min(y + h, fh - 1)])
    return boxes


@torch.no_grad()
def classify(classifier, x: torch.Tensor, k=5):
    logits, _ = classifier(x)
    p = torch.softmax(logits[0], dim=0).numpy()
    order = np.argsort(-p, kind="stable")[:k]
    return [(int(i), float(p[i])) for i in order]
