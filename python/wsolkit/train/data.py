"""Training composites cached as one uint8 array, and the fixed eval sets as tensors.

Composing costs ~7 ms per 256² image per core, which would starve a 2-core
trainer; a deterministic cache (same seed → same bytes) is built once per
(size, count, seed) and reused by every epoch and stage.
"""
from __future__ import annotations

import json
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .. import paths


def train_cache(size: int, count: int, seed: int = 0, photos: bool = False, log=print) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """→ (images uint8 [N, size, size, 3], labels int64 [N], class names), built on first use.

    Backgrounds are procedural only unless `photos`: the training wallpapers are GPL/LGPL,
    and weights trained on them would carry a question we do not want in an MIT pack
    (data/toyworld/ATTRIBUTION.md → Share-alike).
    """
    from ..toyworld.dataset import ToyWorldDataset

    path = paths.TRAIN_CACHE / f"train-s{size}-n{count}-seed{seed}{'' if photos else '-procedural'}.npz"
    if path.exists():
        z = np.load(path, allow_pickle=False)
        return z["images"], z["labels"], list(z["classes"])
    ds = ToyWorldDataset.from_disk("train", seed=seed, length=count, size=256, as_numpy=True, p_photo=0.5 if photos else 0.0)
    images = np.empty((count, size, size, 3), np.uint8)
    labels = np.empty(count, np.int64)
    t0 = time.process_time()
    for i in range(count):
        s = ds.sample(i)
        img = s["image"] if size == 256 else np.asarray(Image.fromarray(s["image"]).resize((size, size), Image.BICUBIC))
        images[i], labels[i] = img, s["label"]
        if (i + 1) % 2000 == 0:
            log(f"cache: {i + 1}/{count} composites ({time.process_time() - t0:.0f} CPU-s)")
    paths.TRAIN_CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, images=images, labels=labels, classes=np.array(ds.classes))
    return images, labels, list(ds.classes)


def pair_cache(size: int, count: int, seed: int = 0, log=print) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Two-class training composites → (images uint8 [N, size, size, 3], labels int64 [N, 2], class names).

    Image i holds one object of class i mod C and one of another class drawn from its own
    Generator (train sprites, procedural backgrounds, as `train_cache`). The UNet stage
    captions them with ONE of the two names, so a class word must pick its object out of
    several: the binding that single-object captions never ask for.
    """
    from ..toyworld import backgrounds as B
    from ..toyworld import sprites as S
    from ..toyworld.compose import compose_pair
    from ..toyworld.sprites import SpriteBank

    path = paths.TRAIN_CACHE / f"pairs-s{size}-n{count}-seed{seed}-procedural.npz"
    if path.exists():
        z = np.load(path, allow_pickle=False)
        return z["images"], z["labels"], list(z["classes"])
    bank = SpriteBank.load("train", S.DEFAULT_ROOT)
    bgs = B.Backgrounds.load("train", B.DEFAULT_ROOT, p_photo=0.0)
    drawable = [c for c in bank.classes if bank[c]]
    images = np.empty((count, size, size, 3), np.uint8)
    labels = np.empty((count, 2), np.int64)
    t0 = time.process_time()
    for i in range(count):
        rng = np.random.default_rng([seed, 7, i])  # stream 7: apart from ToyWorldDataset's (seed, epoch, i)
        a = drawable[i % len(drawable)]
        others = [c for c in drawable if c != a]
        b = others[int(rng.integers(len(others)))]
        sa = bank[a][int(rng.integers(len(bank[a])))]
        sb = bank[b][int(rng.integers(len(bank[b])))]
        rgb, _, _ = compose_pair(rng, sa, sb, bgs, 256)
        images[i] = rgb if size == 256 else np.asarray(Image.fromarray(rgb).resize((size, size), Image.BICUBIC))
        labels[i] = (bank.classes.index(a), bank.classes.index(b))
        if (i + 1) % 2000 == 0:
            log(f"pair cache: {i + 1}/{count} composites ({time.process_time() - t0:.0f} CPU-s)")
    paths.TRAIN_CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, images=images, labels=labels, classes=np.array(bank.classes))
    return images, labels, list(bank.classes)


def eval_set(split: str, size: int, classes: list[str]) -> tuple[torch.Tensor, torch.Tensor, list[dict]]:
    """The fixed val/test set (toyworld_build_eval.py) → (uint8 [N, 3, size, size], labels, annotations)."""
    ann = json.loads((paths.EVAL_SETS / split / "annotations.json").read_text())
    items = ann["images"]
    imgs = np.stack([np.asarray(Image.open(paths.EVAL_SETS / split / it["file"]).convert("RGB").resize((size, size), Image.BICUBIC)) for it in items])
    labels = torch.tensor([classes.index(it["cls"]) for it in items])
    return torch.from_numpy(imgs).permute(0, 3, 1, 2).contiguous(), labels, items


def edges(x: torch.Tensor, thresh: torch.Tensor) -> torch.Tensor:
    """Float [B, 3, S, S] in [0, 1] → binary edge map [B, 1, S, S] (Sobel on grey, 3×3 dilated)."""
    grey = x.mean(dim=1, keepdim=True)
    kx = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])[None, None] / 4
    gx = F.conv2d(grey, kx, padding=1)
    gy = F.conv2d(grey, kx.transpose(-1, -2), padding=1)
    e = ((gx**2 + gy**2).sqrt() > thresh).float()
    return F.max_pool2d(e, 3, stride=1, padding=1)


def stylise(x: torch.Tensor, g: torch.Generator | None = None, p_cartoon=0.25, p_lineart=0.15) -> torch.Tensor:
    """Mimic drawn styles the train split lacks (genuinely unseen at test time):
    "cartoon" = blurred, posterised colours with black outlines (OpenMoji's look);
    "line art" = dark outlines on a pale ground (Art4Apps drawings, OpenMoji black)."""
    b = x.shape[0]
    r = torch.rand(b, generator=g)
    cartoon, lineart = r < p_cartoon, (r >= p_cartoon) & (r < p_cartoon + p_lineart)
    if not (cartoon.any() or lineart.any()):
        return x
    thresh = (0.08 + 0.12 * torch.rand(b, 1, 1, 1, generator=g))
    e = edges(x, thresh)
    levels = torch.randint(3, 6, (b, 1, 1, 1), generator=g).float()
    flat = (F.avg_pool2d(x, 3, stride=1, padding=1) * levels).round() / levels
    ink = 0.15 * torch.rand(b, 3, 1, 1, generator=g)
    paper = 0.85 + 0.15 * torch.rand(b, 3, 1, 1, generator=g)
    toon = flat * (1 - e) + ink * e
    line = paper * (1 - e) + ink * e
    sel = lambda m: m[:, None, None, None]  # noqa: E731
    return torch.where(sel(cartoon), toon, torch.where(sel(lineart), line, x))


def augment(x: torch.Tensor, g: torch.Generator | None = None, style: bool = False) -> torch.Tensor:
    """Style-robust augmentation on a uint8 batch [B, 3, S, S] → float [0, 1].

    Test styles (OpenMoji flat colours, Art4Apps drawings) differ from the train
    styles in colour and line work, so colour is made unreliable: strong jitter,
    channel shuffles, 20 % greyscale; plus crops and flips.
    """
    b, _, s, _ = x.shape
    x = x.float() / 255
    # random resized crop (scale 0.6–1) per image
    out = torch.empty_like(x)
    for i in range(b):
        k = int(s * (0.6 + 0.4 * torch.rand(1, generator=g).item()))
        ox, oy = (torch.randint(0, s - k + 1, (2,), generator=g)).tolist()
        crop = x[i : i + 1, :, oy : oy + k, ox : ox + k]
        out[i] = F.interpolate(crop, size=(s, s), mode="bilinear", align_corners=False)[0]
    x = out
    if style:
        x = stylise(x, g)
    flip = torch.rand(b, generator=g) < 0.5
    x[flip] = x[flip].flip(-1)
    bright = 0.6 + 0.8 * torch.rand(b, 1, 1, 1, generator=g)
    contrast = 0.6 + 0.8 * torch.rand(b, 1, 1, 1, generator=g)
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = ((x - mean) * contrast + mean) * bright
    grey = x.mean(dim=1, keepdim=True)
    sat = 0.3 + 1.4 * torch.rand(b, 1, 1, 1, generator=g)
    x = grey + (x - grey) * sat
    perm = torch.rand(b, generator=g) < 0.3
    if perm.any():
        x[perm] = x[perm][:, torch.randperm(3, generator=g)]
    to_grey = torch.rand(b, generator=g) < 0.2
    x[to_grey] = x[to_grey].mean(dim=1, keepdim=True).expand(-1, 3, -1, -1)
    return x.clamp(0, 1)
