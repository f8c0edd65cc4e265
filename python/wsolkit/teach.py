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

from dataclasses import dataclass

import torch
import torch.nn.functional as F


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
