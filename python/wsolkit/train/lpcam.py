"""Stage: LPCAM's local prototypes (no gradient step: features, CAM split, k-means).

    .venv/bin/python -m wsolkit.train.lpcam [--k 12 --images-per-class 100]

Run from python/. For each class, the first `images-per-class` training composites
of that class (the classifier's training cache, no augmentation) give the
classifier's last feature map; positions whose max-normalised CAM is above
`fg-threshold` are foreground, the rest background. k-means (cosine assignment,
seeded, empty-cluster guard) on each; prototypes are kept as LPCAM's official code does:
class = FG centres with softmax(μ·Wᵀ)[c] > 0.9 (if none, the best-scored one,
the COCO code's fallback), context = BG centres with 0.05 < p[c] < 0.9.
Writes python/checkpoints/toyworld/lpcam.pt and lpcam.json. `--classifier classifier_lite0`
builds them on the fine-tuned EfficientNet-Lite0 (its stage checkpoint) instead of the GAP CNN.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from .. import paths
from ..baselines import LPCAMSettings, build_prototypes
from ..checkpoint import load_stage
from .data import train_cache


def main(argv=None):
    d = LPCAMSettings()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k", type=int, default=d.k, help="k-means clusters for FG and for BG, per class")
    ap.add_argument("--fg-threshold", type=float, default=d.fg_threshold)
    ap.add_argument("--class-threshold", type=float, default=d.class_threshold)
    ap.add_argument("--context-low", type=float, default=d.context_low)
    ap.add_argument("--images-per-class", type=int, default=d.images_per_class)
    ap.add_argument("--seed", type=int, default=d.seed)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--classifier", default="classifier", choices=["classifier", "classifier_lite0"], help="the stage whose feature map is clustered")
    ap.add_argument("--out", type=lambda p: paths.ROOT / p if not p.startswith("/") else Path(p), default=paths.STAGES / "lpcam.pt")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    s = LPCAMSettings(args.k, args.fg_threshold, args.class_threshold, args.context_low, args.images_per_class, d.max_iters, args.seed)
    cpu0, wall0 = time.process_time(), time.time()

    clf, ck = load_stage(args.classifier)
    mean, std = torch.tensor(ck["mean"])[:, None, None], torch.tensor(ck["std"])[:, None, None]
    normalise = lambda x01: (x01 - mean) / std  # noqa: E731
    images, labels, classes = train_cache(clf.cfg.image_size, 20000, 0)
    assert classes == ck["classes"], "classifier and training cache disagree on the class order"
    pick = np.concatenate([np.flatnonzero(labels == c)[: s.images_per_class] for c in range(len(classes))])
    with torch.no_grad():
        feats = torch.cat([clf(normalise(torch.from_numpy(images[pick[i : i + 128]]).permute(0, 3, 1, 2).float() / 255))[1]
                           for i in range(0, len(pick), 128)]).numpy()
    head_w = clf.head.weight.detach().numpy()
    protos = build_prototypes(feats, labels[pick], head_w, s)

    cpu, wall = time.process_time() - cpu0, time.time() - wall0
    summary = {"classifier": args.classifier, "cpu_minutes": round(cpu / 60, 1), "wall_minutes": round(wall / 60, 1), "images": int(len(pick)), **s.to_dict(),
               "class_prototypes": [len(p["class"]) for p in protos], "context_prototypes": [len(p["context"]) for p in protos],
               "fallback_classes": [classes[c] for c, p in enumerate(protos) if p["fallback"]]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"settings": s.to_dict(), "classifier": args.classifier, "classes": classes, "prototypes": protos, "cpu_seconds": cpu, "wall_seconds": wall}, args.out)
    args.out.with_suffix(".json").write_text(json.dumps(summary) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
