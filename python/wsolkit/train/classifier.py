"""Stage: the GAP classifier (picks the class; CAM comes for free).

    .venv/bin/python -m wsolkit.train.classifier [--steps 3000 --batch 64 --size 128]

Runs from any folder (wsolkit is installed editable into .venv). Resumable: rerunning the same
command continues from python/runs/classifier/last.pt. Model selection uses the
validation styles only; test top-1/top-5 are reported, never used.
"""
from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict

import torch
import torch.nn.functional as F

from .. import paths
from ..models import Classifier, ClassifierConfig
from .data import augment, eval_set, train_cache
from .harness import optimise, run_stage, stage_args, stage_config

MEAN, STD = (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)


def normaliser(mean, std):
    """x in [0, 1], [B, 3, H, W] → (x − mean) / std per channel."""
    m, s = torch.tensor(mean)[:, None, None], torch.tensor(std)[:, None, None]
    return lambda x01: (x01 - m) / s


normalise = normaliser(MEAN, STD)


@torch.no_grad()
def topk_accuracy(model, images_u8: torch.Tensor, labels: torch.Tensor, batch=128, norm=normalise) -> dict:
    """Top-1/top-5 (%) of a model whose first output is the logits, on uint8 images [N, 3, H, W]."""
    logits = torch.cat([model(norm(images_u8[i : i + batch].float() / 255))[0] for i in range(0, len(images_u8), batch)])
    top5 = logits.topk(5, dim=1).indices
    return {"top1": round(100 * (top5[:, 0] == labels).float().mean().item(), 2),
            "top5": round(100 * (top5 == labels[:, None]).any(1).float().mean().item(), 2)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=3000, help="optimiser steps")
    ap.add_argument("--batch", type=int, default=64, help="batch size")
    ap.add_argument("--size", type=int, default=128, help="input size (the pack's classifierPreprocess.size)")
    ap.add_argument("--cache", type=int, default=20000, help="number of cached training composites")
    ap.add_argument("--lr", type=float, default=5e-4, help="peak AdamW learning rate (cosine decay); 2e-3 stalled at ln(30) for 600 steps")
    ap.add_argument("--channels", type=str, default="32,64,128,256", help="stage channels")
    ap.add_argument("--style-aug", action="store_true", help="cartoon/line-art augmentation for drawn styles (data.stylise)")
    stage_args(ap, "classifier", paths.STAGES / "classifier.pt")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    images, labels, classes = train_cache(args.size, args.cache, args.seed)
    images_t = torch.from_numpy(images).permute(0, 3, 1, 2)  # [N, 3, S, S] uint8 view
    labels_t = torch.from_numpy(labels)
    val_x, val_y, _ = eval_set("val", args.size, classes)

    cfg = ClassifierConfig(num_classes=len(classes), stage_channels=tuple(int(c) for c in args.channels.split(",")), image_size=args.size)
    torch.manual_seed(args.seed)
    model = Classifier(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100) * 0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps)))
    # Batches and augmentation draw from torch's global RNG, whose state the harness
    # checkpoints, so a resumed run continues the same stream.
    g = None
    config = stage_config("classifier", args, model=asdict(cfg))

    def train_step(step: int) -> float:
        idx = torch.randint(0, len(images_t), (args.batch,), generator=g)
        x = normalise(augment(images_t[idx], g, style=args.style_aug))
        logits, _ = model(x)
        return optimise(opt, F.cross_entropy(logits, labels_t[idx], label_smoothing=0.1))

    result = run_stage("classifier", args.run_dir, model, opt, args.steps, train_step, config, args.seed, sched,
                       evaluate=lambda s: {f"val_{k}": v for k, v in topk_accuracy(model, val_x, val_y).items()}, eval_every=500)

    test_x, test_y, _ = eval_set("test", args.size, classes)
    test = topk_accuracy(model, test_x, test_y)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": asdict(cfg), "state": model.state_dict(), "classes": classes, "mean": MEAN, "std": STD,
                "cpu_seconds": result.cpu_seconds, "wall_seconds": result.wall_seconds, "steps": result.steps,
                "val": result.metrics, "test": test, "args": config}, args.out)
    summary = {"cpu_minutes": round(result.cpu_seconds / 60, 1), "wall_minutes": round(result.wall_seconds / 60, 1), **result.metrics, **{f"test_{k}": v for k, v in test.items()}}
    (args.out.with_suffix(".json")).write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
