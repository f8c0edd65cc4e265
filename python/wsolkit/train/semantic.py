"""Stage: the semantic first stage (models/semantic.py): the fine-tuned classifier, frozen, plus
a whitened PCA of its stride-8 and head features fitted on training composites.

    cd python && ../.venv/bin/python -m wsolkit.train.semantic [--classifier checkpoints/toyworld/classifier_lite0_s192.pt]

No gradient step. The first `--images` training composites (seeded choice, no augmentation)
give the features; every pixel of their feature maps is a PCA sample. Each component is
divided by its standard deviation, so every latent channel has unit variance on the training
images. Writes checkpoints/toyworld/semantic.pt (a stage checkpoint with "kind": "semantic")
and semantic.json (explained variance per part).
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from .. import paths
from ..models.semantic import SemanticConfig, SemanticEncoder
from .data import train_cache


def whitened_pca(x: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor, float]:
    """x [N, C] → (mean [C], projection [k, C] with unit-variance outputs, explained variance share)."""
    mean = x.mean(0)
    cov = torch.cov((x - mean).T.double())
    vals, vecs = torch.linalg.eigh(cov)  # ascending
    vals, vecs = vals.flip(0)[:k], vecs.flip(1)[:, :k]
    # a component's sign is arbitrary; fix it so the largest loading is positive (reproducible across LAPACKs)
    vecs = vecs * torch.sign(vecs[vecs.abs().argmax(0), torch.arange(k)])
    proj = (vecs / vals.sqrt()).T.float()
    return mean, proj, float(vals.sum() / torch.diagonal(cov).sum())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--classifier", type=Path, default=paths.STAGES / "classifier_lite0_s192.pt", help="a classifier_lite0 stage checkpoint")
    ap.add_argument("--fine-channels", type=int, default=4)
    ap.add_argument("--coarse-channels", type=int, default=12)
    ap.add_argument("--images", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=paths.STAGES / "semantic.pt")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    t0, c0 = time.time(), time.process_time()

    ck = torch.load(args.classifier, map_location="cpu")
    cls_cfg = ck["config"]
    cfg = SemanticConfig(num_classes=cls_cfg["num_classes"], encoder_size=cls_cfg["image_size"], last_stride=cls_cfg["last_stride"],
                         fine_channels=args.fine_channels, coarse_channels=args.coarse_channels)
    enc = SemanticEncoder(cfg).eval()
    enc.backbone.load_state_dict({k[len("backbone."):]: v for k, v in ck["state"].items() if k.startswith("backbone.")})

    images, _, _ = train_cache(cfg.image_size, 20000, 0)
    pick = np.sort(np.random.default_rng(args.seed).choice(len(images), args.images, replace=False))
    fines, coarses = [], []
    with torch.no_grad():
        for i in range(0, len(pick), 50):
            x = torch.from_numpy(images[pick[i : i + 50]]).permute(0, 3, 1, 2).float() / 127.5 - 1
            f, c = enc.features(x)
            fines.append(f.permute(0, 2, 3, 1).reshape(-1, f.shape[1]))
            coarses.append(c.permute(0, 2, 3, 1).reshape(-1, c.shape[1]))
    fm, fp, fv = whitened_pca(torch.cat(fines), cfg.fine_channels)
    cm, cp, cv = whitened_pca(torch.cat(coarses), cfg.coarse_channels)
    enc.fine_mean.copy_(fm), enc.fine_proj.copy_(fp), enc.coarse_mean.copy_(cm), enc.coarse_proj.copy_(cp)

    from .diffusion import file_sha
    summary = {"cpu_minutes": round((time.process_time() - c0) / 60, 2), "wall_minutes": round((time.time() - t0) / 60, 2),
               "classifier": str(args.classifier), "classifier_sha256": file_sha(args.classifier), "images": args.images,
               "fine_explained": round(fv, 4), "coarse_explained": round(cv, 4)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"kind": "semantic", "config": asdict(cfg), "state": enc.state_dict(), "args": {**vars(args), "classifier": str(args.classifier), "out": str(args.out)}, **summary}, args.out)
    args.out.with_suffix(".json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
