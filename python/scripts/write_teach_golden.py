"""Golden run of the new-class head-row trainer (wsolkit.teach), for the browser's tfjs trainer.

    .venv/bin/python python/scripts/write_teach_golden.py      # → fixtures/golden/teach-head-row.json

Seeded synthetic data (numpy seed 0), float32: a frozen head of C = 6 classes over D = 32
features, 10 negatives per class around each class's mean (σ 1), 5 positives and 5 held-out images
around a new class's mean. Records the inputs, the loss before each of the steps, the final row
and bias, and the held-out images' logits over the C + 1 classes.
src/shared/teach/headRow.test.ts follows it step by step.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch

from wsolkit.paths import ROOT
from wsolkit.teach import HeadRowConfig, train_head_row

C, D, PER_CLASS, POSITIVES = 6, 32, 10, 5


def floats(a) -> list:
    return [float(f"{v:.9g}") for v in np.asarray(a, np.float32).ravel()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "fixtures/golden/teach-head-row.json")
    args = ap.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    means = rng.normal(0, 1, (C + 1, D)).astype(np.float32)  # the last one is the new class's
    weight = (means[:C] * 0.8 + rng.normal(0, 0.2, (C, D))).astype(np.float32)
    bias = rng.normal(0, 0.1, C).astype(np.float32)
    labels = np.repeat(np.arange(C), PER_CLASS).astype(np.int64)
    negatives = (means[labels] + rng.normal(0, 1.0, (len(labels), D))).astype(np.float32)
    positives = (means[C] + rng.normal(0, 1.0, (POSITIVES, D))).astype(np.float32)
    held_out = (means[C] + rng.normal(0, 1.0, (POSITIVES, D))).astype(np.float32)
    cfg = HeadRowConfig(steps=30, lr=0.02, weight_decay=1e-2)

    t = torch.from_numpy
    row, row_bias, losses = train_head_row(t(weight), t(bias), t(positives), t(negatives), t(labels), cfg)
    logits = np.concatenate([held_out @ weight.T + bias, (held_out @ row.numpy() + row_bias)[:, None]], 1)
    out = {
        "classes": C, "dim": D, "config": {"steps": cfg.steps, "lr": cfg.lr, "weightDecay": cfg.weight_decay,
                                           "beta1": cfg.beta1, "beta2": cfg.beta2, "eps": cfg.eps},
        "weight": floats(weight), "bias": floats(bias), "negatives": floats(negatives), "negativeLabels": labels.tolist(),
        "positives": floats(positives), "heldOut": floats(held_out),
        "losses": [float(f"{v:.9g}") for v in losses], "row": floats(row), "rowBias": float(f"{row_bias:.9g}"),
        "heldOutLogits": floats(logits),
    }
    args.out.write_text(json.dumps(out) + "\n")
    top1 = logits.argmax(1)
    print(f"wrote {args.out}: loss {losses[0]:.4f} → {losses[-1]:.4f}; held-out top-1 = new class in {int((top1 == C).sum())}/{len(top1)}")


if __name__ == "__main__":
    main()
