"""Stage: SAT, the spatial-aware-token ViT baseline (trained from scratch here).

    .venv/bin/python -m wsolkit.train.sat [--steps 3000 --batch 32 --area 0.25]

Run from python/. Resumable like every stage (python/runs/sat/last.pt). Loss as
SAT's code: CE + |batch-mean area − λ_area| + normalisation loss, weights 1/1/1,
λ_area 0.25 (the value SAT's code uses for CUB). The input is the classifier's
(same size, mean and std), so the app feeds both models one tensor.

SAT starts from ImageNet DeiT weights in its paper; nothing pretrained exists here,
so this ViT learns from the 20 000 toy-world composites alone.
"""
from __future__ import annotations

import argparse
import math
from dataclasses import asdict

import torch

from .. import paths
from ..localisation import MapSet, subsample, toyworld_split
from ..models.sat import SAT, SATConfig, sat_losses
from .classifier import MEAN, STD, normalise, topk_accuracy
from .data import augment, eval_set, train_cache
from .harness import optimise, run_stage, stage_args, stage_config, write_result


@torch.no_grad()
def val_localisation(model, classes, limit=150) -> dict:
    """GT-known Loc of the mean SQA map on every k-th validation image, best τ of a coarse grid (a signal, not a result)."""
    items = subsample(toyworld_split("val", classes), limit)
    x = torch.cat([_input(it.rgb, model.cfg.image_size) for it in items])
    maps = model(x)[1].mean(dim=1).numpy()
    ms = MapSet("sat", list(maps))
    best = max((ms.gt_known(items, 128, tau), tau) for tau in (0.2, 0.3, 0.4, 0.5, 0.6))
    return {"val_gt_known": round(best[0], 1), "val_tau": best[1]}


def _input(rgb, size) -> torch.Tensor:
    from .. import genpromp as gp

    return gp.to_classifier_input(gp.resize_pil_bicubic(rgb, (size, size)), MEAN, STD)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-4, help="peak AdamW lr (warm-up 200 steps, cosine decay)")
    ap.add_argument("--area", type=float, default=0.25, help="λ_area, the target batch-mean map area")
    ap.add_argument("--cache", type=int, default=20000)
    stage_args(ap, "sat", paths.STAGES / "sat.pt")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    images, labels, classes = train_cache(128, args.cache, args.seed)
    images_t = torch.from_numpy(images).permute(0, 3, 1, 2)
    labels_t = torch.from_numpy(labels)
    val_x, val_y, _ = eval_set("val", 128, classes)

    cfg = SATConfig(num_classes=len(classes))
    torch.manual_seed(args.seed)
    model = SAT(cfg)
    # Biases, norms and the tokens are exempt from weight decay.
    no_decay = {"cls_token", "pos_embed", "loc_token", "loc_embed"}
    decay = [p for n, p in model.named_parameters() if p.ndim > 1 and n not in no_decay]
    rest = [p for n, p in model.named_parameters() if not (p.ndim > 1 and n not in no_decay)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": rest, "weight_decay": 0.0}], lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 200) * 0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps)))
    config = stage_config("sat", args, model=asdict(cfg))

    def train_step(step: int) -> float:
        idx = torch.randint(0, len(images_t), (args.batch,))
        logits, maps = model(normalise(augment(images_t[idx])))
        loss, _ = sat_losses(logits, maps, labels_t[idx], args.area)
        return optimise(opt, loss)

    def evaluate(step):
        return {**{f"val_{k}": v for k, v in topk_accuracy(model, val_x, val_y).items()}, **val_localisation(model, classes)}

    result = run_stage("sat", args.run_dir, model, opt, args.steps, train_step, config, args.seed, sched, evaluate=evaluate, eval_every=500)
    test_x, test_y, _ = eval_set("test", 128, classes)
    test = topk_accuracy(model, test_x, test_y)
    write_result(args.out, {"config": asdict(cfg), "state": model.state_dict(), "classes": classes, "mean": MEAN, "std": STD, "args": config},
                 result, {**result.metrics, **{f"test_{k}": v for k, v in test.items()}})


if __name__ == "__main__":
    main()
