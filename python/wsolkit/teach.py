"""Teach the classifier a new class: one new row of its linear head, everything else frozen.

The reference for the browser's trainer (`src/shared/teach/headRow.ts`, tfjs), which must follow
it step by step (`fixtures/golden/teach-head-row.json`, written by
`python/scripts/write_teach_golden.py`).

A pooled feature f [D] gets the frozen head's C logits W f + b and the new class's w·f + c.
The loss is softmax cross-entropy over the C + 1 classes. It is averaged over the positives
(label C) and over the negatives (their own labels) separately, and the two means are
averaged, so a handful of dropped images weighs as much as a bank of hundreds. Full batch;
AdamW (PyTorch's decoupled weight decay, on w and c) from w = 0, c = 0.

`imprint_row` is the training-free alternative measured beside it
(`python/scripts/teach_new_class_eval.py`, its `imprint` rows): the row points along the
positives' mean feature minus the negatives' mean, at the frozen rows' mean norm × scale, and
the bias puts the negatives' mean at logit `offset`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from . import paths

# The bank of negatives a browser-trained head row learns against (python/scripts/build_teach_bank.py).
TEACH_BANK = paths.ROOT / "python/checkpoints/toyworld/teach_bank.npz"


def head_digest(weight: torch.Tensor, bias: torch.Tensor) -> str:
    """sha256 of a head's float32 weight and bias: names the classifier a bank's features belong to."""
    h = hashlib.sha256(weight.detach().float().contiguous().numpy().astype("<f4").tobytes())
    h.update(bias.detach().float().contiguous().numpy().astype("<f4").tobytes())
    return h.hexdigest()


@dataclass
class HeadRowConfig:
    steps: int = 100
    lr: float = 0.05
    weight_decay: float = 1e-2
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8


def head_row_loss(weight: torch.Tensor, bias: torch.Tensor, row: torch.Tensor, row_bias: torch.Tensor,
                  positives: torch.Tensor, negatives: torch.Tensor, negative_labels: torch.Tensor) -> torch.Tensor:
    """weight [C, D], bias [C], row [D], row_bias [], positives [P, D], negatives [N, D], labels [N] in [0, C) → loss []."""
    c = weight.shape[0]

    def logits(f: torch.Tensor) -> torch.Tensor:  # [n, D] → [n, C + 1]
        return torch.cat([f @ weight.T + bias, (f @ row + row_bias)[:, None]], 1)

    pos = F.cross_entropy(logits(positives), torch.full((len(positives),), c, dtype=torch.long))
    neg = F.cross_entropy(logits(negatives), negative_labels)
    return (pos + neg) / 2


def train_head_row(weight: torch.Tensor, bias: torch.Tensor, positives: torch.Tensor, negatives: torch.Tensor,
                   negative_labels: torch.Tensor, cfg: HeadRowConfig | None = None) -> tuple[torch.Tensor, float, list[float]]:
    """The new row [D], its bias, and the loss before each step (the loss whose gradient that step took)."""
    cfg = cfg or HeadRowConfig()
    row = torch.zeros(weight.shape[1], requires_grad=True)
    row_bias = torch.zeros((), requires_grad=True)
    opt = torch.optim.AdamW([row, row_bias], lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), eps=cfg.eps, weight_decay=cfg.weight_decay)
    losses = []
    for _ in range(cfg.steps):
        opt.zero_grad()
        loss = head_row_loss(weight, bias, row, row_bias, positives, negatives, negative_labels)
        loss.backward()
        opt.step()
        losses.append(float(loss))
    return row.detach(), float(row_bias), losses


def imprint_row(weight: torch.Tensor, positives: torch.Tensor, negatives: torch.Tensor,
                scale: float = 1.0, offset: float = 0.0) -> tuple[torch.Tensor, float]:
    """A new row [D] and bias from the class mean alone (weight imprinting, centred on the negatives' mean)."""
    centre = negatives.mean(0)
    direction = positives.mean(0) - centre
    row = direction / direction.norm() * weight.norm(dim=1).mean() * scale
    return row, float(offset - row @ centre)


# ---- Textual inversion in the browser: the reference the tfjs trainer follows ----
#
# GenPromp's stage 1 (wsolkit.train.inversion) learns one concept row by the ε-prediction loss
# through the frozen text encoder and UNet. The browser does the same for a new class. Its random
# draws (images, templates, timesteps, flips, posterior and ε noise) come from the seeded
# mulberry32 streams of wsolkit.noise, which TypeScript reproduces bit for bit, so both sides
# can be compared step by step; the distributions are stage 1's.

@dataclass
class InversionConfig:
    """Stage 1's settings (wsolkit.train.inversion's defaults); `flip` is its augmentation."""
    steps: int = 40
    batch: int = 8
    lr: float = 1e-2
    weight_decay: float = 1e-2
    flip: bool = True
    seed: int = 0


@dataclass
class StepDraws:
    images: list[int]
    templates: list[int]
    timesteps: list[int]
    flips: list[bool]
    posterior: np.ndarray  # [batch · latent numel] standard normal
    eps: np.ndarray


def step_seed(seed: int, step: int) -> int:
    """The uniform stream's seed for a step (0-based); the posterior and ε noise use +1 and +2."""
    return (seed * 1_000_003 + step * 3) & 0xFFFFFFFF


def step_draws(seed: int, step: int, batch: int, n_images: int, n_templates: int, latent_numel: int,
               timesteps: int = 1000) -> StepDraws:
    from .noise import gaussian, mulberry32
    s = step_seed(seed, step)
    rng = mulberry32(s)
    u = lambda: next(rng) / 4294967296.0  # noqa: E731 — [0, 1), as TypeScript's
    images, templates, ts, flips = [], [], [], []
    for _ in range(batch):
        images.append(int(u() * n_images))
        templates.append(int(u() * n_templates))
        ts.append(int(u() * timesteps))
        flips.append(u() < 0.5)
    n = batch * latent_numel
    return StepDraws(images, templates, ts, flips, gaussian((s + 1) & 0xFFFFFFFF, n), gaussian((s + 2) & 0xFFFFFFFF, n))


def inversion_loss(text, unet, row: torch.Tensor, d: StepDraws, latent_mean: torch.Tensor, latent_logvar: torch.Tensor,
                   scaling: float, acp: torch.Tensor, template_ids: torch.Tensor, word_id: int, pad_id: int,
                   flip: bool) -> torch.Tensor:
    """Stage 1's loss for one step's draws. latent_* [N, 4, h, w] are the images' VAE posteriors;
    template_ids [T, L] are the templates filled with the starting word, whose positions take the row."""
    idx = torch.tensor(d.images)
    shape = (len(d.images), *latent_mean.shape[1:])
    m, lv = latent_mean[idx], latent_logvar[idx]
    z = (m + torch.exp(0.5 * lv) * torch.from_numpy(d.posterior).reshape(shape)) * scaling
    if flip:
        f = torch.tensor(d.flips)
        z[f] = z[f].flip(-1)
    ids = template_ids[torch.tensor(d.templates)]
    mask = (ids == word_id).float()
    ids = torch.where(ids == word_id, torch.full_like(ids, pad_id), ids)
    cond = text(ids, row[None, None].expand(ids.shape[0], ids.shape[1], -1), mask)
    t = torch.tensor(d.timesteps)
    a = acp[t].sqrt().float()[:, None, None, None]
    b = (1 - acp[t]).sqrt().float()[:, None, None, None]
    eps = torch.from_numpy(d.eps).reshape(shape)
    return F.mse_loss(unet(a * z + b * eps, t.float(), cond), eps)


def invert_concept(text, unet, row0: torch.Tensor, latent_mean, latent_logvar, scaling: float, acp, template_ids,
                   word_id: int, pad_id: int, cfg: InversionConfig) -> tuple[torch.Tensor, list[float]]:
    """AdamW on the row alone (everything else frozen), from the starting word's embedding row0."""
    row = torch.nn.Parameter(row0.detach().clone())
    opt = torch.optim.AdamW([row], lr=cfg.lr, weight_decay=cfg.weight_decay)
    numel = int(np.prod(latent_mean.shape[1:]))
    losses = []
    for step in range(cfg.steps):
        d = step_draws(cfg.seed, step, cfg.batch, len(latent_mean), len(template_ids), numel)
        loss = inversion_loss(text, unet, row, d, latent_mean, latent_logvar, scaling, acp, template_ids, word_id, pad_id, cfg.flip)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    return row.detach(), losses


@torch.no_grad()
def word_and_concept_states(text, template_ids: torch.Tensor, word_id: int, pad_id: int, row: torch.Tensor):
    """(f_d, f_r) [1, L, D] for a class the vocabulary lacks: the templates filled with the starting
    word (f_d) and with the learned row at the word's positions (f_r), averaged over the templates,
    as GenPromp conditions on a learned concept token."""
    mask = (template_ids == word_id).float()
    ids_r = torch.where(template_ids == word_id, torch.full_like(template_ids, pad_id), template_ids)
    rows = row[None, None].expand(template_ids.shape[0], template_ids.shape[1], -1)
    return text(template_ids).mean(0, keepdim=True), text(ids_r, rows, mask).mean(0, keepdim=True)
