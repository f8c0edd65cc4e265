"""Stage: fine-tune the ImageNet-pretrained EfficientNet-Lite0 on the toy world (models/lite0.py).

    .venv/bin/python -m wsolkit.train.classifier_lite0 --train all --steps 400 --batch 32 --threads 1

`--train` chooses how much of the backbone learns: `head` (the new linear layer only),
`last<k>` (the last k MBConv blocks, the head convolution and the linear), `all`. Frozen
BatchNorms keep their ImageNet statistics. Data and augmentation are the classifier stage's
(train cache at --size, `data.augment`); the input is normalised as the pretrained weights
expect ((x − 127) / 128 on 0–255). Resumable (python/runs/classifier_lite0/last.pt, saved every
50 steps); records CPU time. Model selection uses the validation styles only; test top-1/top-5
are reported, never used.
"""
from __future__ import annotations

import argparse
import math
from dataclasses import asdict

import torch
import torch.nn.functional as F

from .. import paths
from ..models.lite0 import MEAN, STD, Lite0Classifier, Lite0Config
from .classifier import normaliser
from .classifier import topk_accuracy as classifier_topk
from .data import augment, eval_set, train_cache
from .harness import optimise, run_stage, stage_args, stage_config, write_result

normalise = normaliser(MEAN, STD)


def topk_accuracy(model, images_u8, labels, batch=64) -> dict:
    return classifier_topk(model, images_u8, labels, batch=batch, norm=normalise)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default="all", help="what learns: head, last<k> (e.g. last4) or all")
    ap.add_argument("--steps", type=int, default=400, help="optimiser steps")
    ap.add_argument("--batch", type=int, default=32, help="batch size")
    ap.add_argument("--size", type=int, default=128, help="input size (the pack's classifierPreprocess.size)")
    ap.add_argument("--last-stride", type=int, default=1, help="stride of the 112→192 stage (2 = ImageNet's; 1 doubles the feature map for CAM)")
    ap.add_argument("--cache", type=int, default=20000, help="number of cached training composites")
    ap.add_argument("--lr", type=float, default=None, help="peak AdamW learning rate, cosine decay (default 1e-3 for head, 3e-4 otherwise)")
    ap.add_argument("--style-aug", action="store_true", help="also mimic the drawn looks the train styles lack (data.stylise: flat colours with outlines, line art)")
    ap.add_argument("--eval-every", type=int, default=100, help="validation top-1/top-5 every this many steps")
    stage_args(ap, "classifier_lite0", paths.STAGES / "classifier_lite0.pt")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.lr is None:
        args.lr = 1e-3 if args.train == "head" else 3e-4

    images, labels, classes = train_cache(args.size, args.cache, args.seed)
    images_t = torch.from_numpy(images).permute(0, 3, 1, 2)
    labels_t = torch.from_numpy(labels)
    val_x, val_y, _ = eval_set("val", args.size, classes)

    cfg = Lite0Config(num_classes=len(classes), image_size=args.size, last_stride=args.last_stride)
    torch.manual_seed(args.seed)
    model = Lite0Classifier(cfg, pretrained=True)
    params = model.trainable(args.train)
    frozen = model.frozen_modules(args.train)
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=1e-4)
    warm = max(1, min(50, args.steps // 10))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps)))
    config = stage_config("classifier_lite0", args, model=asdict(cfg))

    def train_step(step: int) -> float:
        for m in frozen:
            m.eval()
        idx = torch.randint(0, len(images_t), (args.batch,))
        x = normalise(augment(images_t[idx], style=args.style_aug))
        logits, _ = model(x)
        return optimise(opt, F.cross_entropy(logits, labels_t[idx], label_smoothing=0.1))

    n_train = sum(p.numel() for p in params)
    print(f"[classifier_lite0] training {args.train}: {n_train / 1e6:.2f}M of {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M parameters")
    result = run_stage("classifier_lite0", args.run_dir, model, opt, args.steps, train_step, config, args.seed, sched,
                       evaluate=lambda s: {f"val_{k}": v for k, v in topk_accuracy(model, val_x, val_y).items()},
                       eval_every=args.eval_every, save_every=50)
    test_x, test_y, _ = eval_set("test", args.size, classes)
    test = topk_accuracy(model.eval(), test_x, test_y)
    write_result(args.out, {"config": asdict(cfg), "state": model.state_dict(), "classes": classes, "mean": MEAN, "std": STD,
                            "val": result.metrics, "test": test, "args": config},
                 result, {"trained_parameters": n_train, **result.metrics, **{f"test_{k}": v for k, v in test.items()}})


if __name__ == "__main__":
    main()
