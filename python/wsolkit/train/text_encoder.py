"""Stage: the CLIP-style text encoder, trained contrastively against a small image tower.

    cd python && ../.venv/bin/python -m wsolkit.train.text_encoder [--steps 1500 --batch 128]

Captions are templates × words, where a word is the class name (the meta token) or
one of its superclasses ("animal", "vehicle", "bird"). A caption is a positive for
every image it truly describes, so the loss is CLIP's symmetric cross-entropy with
soft targets (row- and column-normalised agreement matrix). That is what makes
"dog" close to "animal" and far from "vehicle" (GenPromp Fig. 6). The image tower
is discarded after training; only the text encoder and tokenizer go into the pack.
"""
from __future__ import annotations

import argparse
import math
from dataclasses import asdict

import torch
import torch.nn.functional as F
from torch import nn

from .. import paths
from ..models import TextEncoder, TextEncoderConfig
from ..models.classifier import ConvBNAct
from . import text as words
from .classifier import normalise
from .data import augment, eval_set, train_cache
from .harness import optimise, run_stage, stage_args, stage_config, write_result


class ImageTower(nn.Module):
    def __init__(self, channels=(32, 64, 128, 128), dim=64):
        super().__init__()
        layers, cin = [], 3
        for c in channels:
            layers += [ConvBNAct(cin, c, 2), ConvBNAct(c, c, 1)]
            cin = c
        self.features = nn.Sequential(*layers)
        self.proj = nn.Linear(cin, dim)

    def forward(self, x):  # [B, 3, 64, 64] → [B, dim]
        return self.proj(self.features(x).mean(dim=(2, 3)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--size", type=int, default=64, help="image tower input size")
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--p-superclass", type=float, default=0.25, help="share of captions using a superclass word")
    stage_args(ap, "text_encoder", paths.STAGES / "text_encoder.pt")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    spec = words.build_spec()
    images, labels, classes = train_cache(128, 20000, 0)
    x_all = torch.from_numpy(images).permute(0, 3, 1, 2)
    val_x, val_y, _ = eval_set("val", args.size, classes)
    cfg = TextEncoderConfig(vocab_size=words.base_vocab_size(spec), context_length=words.CONTEXT_LENGTH,
                            width=args.width, layers=args.layers, heads=4, projection_dim=64)
    torch.manual_seed(args.seed)
    text = TextEncoder(cfg)
    tower = ImageTower(dim=cfg.projection_dim)
    model = nn.ModuleDict({"text": text, "image": tower})
    model.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100) * 0.5 * (1 + math.cos(math.pi * s / args.steps)))
    config = stage_config("text_encoder", args, model=asdict(cfg))

    def encode_text(texts):
        ids = words.ids(spec, texts)
        return F.normalize(text.pooled(text(ids), ids, spec.eos_id), dim=-1)

    def train_step(step: int) -> float:
        idx = torch.randint(0, len(x_all), (args.batch,))
        x = F.avg_pool2d(x_all[idx].float(), 128 // args.size).round().to(torch.uint8)
        img = F.normalize(tower(normalise(augment(x, None, style=True))), dim=-1)
        cls = [classes[i] for i in labels[idx.numpy()]]
        chosen = []
        for c in cls:
            options = words.caption_words(c)
            use_super = len(options) > 1 and torch.rand(1).item() < args.p_superclass
            chosen.append(options[1 + torch.randint(0, len(options) - 1, (1,)).item()] if use_super else c)
        templates = [words.TRAIN_TEMPLATES[i] for i in torch.randint(0, len(words.TRAIN_TEMPLATES), (args.batch,)).tolist()]
        txt = encode_text([t.format(w) for t, w in zip(templates, chosen)])
        logits = model.logit_scale.exp().clamp(max=100) * img @ txt.T  # [B_img, B_txt]
        agree = words.consistent(cls, chosen)
        loss = 0.5 * (-(agree / agree.sum(1, keepdim=True)) * logits.log_softmax(1)).sum(1).mean() \
            + 0.5 * (-(agree / agree.sum(0, keepdim=True)) * logits.log_softmax(0)).sum(0).mean()
        return optimise(opt, loss)

    @torch.no_grad()
    def evaluate(step: int) -> dict:
        txt = encode_text([f"a photo of a {c}" for c in classes])
        img = F.normalize(tower(normalise(val_x.float() / 255)), dim=-1)
        top1 = (img @ txt.T).argmax(1)
        return {"val_zero_shot_top1": round(100 * (top1 == val_y).float().mean().item(), 2)}

    result = run_stage("text_encoder", args.run_dir, model, opt, args.steps, train_step, config, args.seed, sched, evaluate, eval_every=500)
    with torch.no_grad():  # Fig. 6 in miniature: is a class closer to its superclass than to the other one?
        supers = encode_text([f"a photo of a {s}" for s in ("animal", "vehicle")])
        cls_e = encode_text([f"a photo of a {c}" for c in classes])
        sims = cls_e @ supers.T
        own = [0 if c not in words.VEHICLES else 1 for c in classes]
        own_sim = sims[torch.arange(len(classes)), own].mean().item()
        other_sim = sims[torch.arange(len(classes)), [1 - o for o in own]].mean().item()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    spec.tokenizer.save(str(args.out.parent / "tokenizer.json"))
    write_result(args.out, {"config": asdict(cfg), "state": text.state_dict(), "image_tower": tower.state_dict(), "args": config}, result,
                 {**result.metrics, "cos_class_own_superclass": round(own_sim, 3), "cos_class_other_superclass": round(other_sim, 3)})


if __name__ == "__main__":
    main()
