"""GenPromp stage 1: textual inversion of one concept token per class (representative embedding).

    cd python && ../.venv/bin/python -m wsolkit.train.inversion [--steps-per-class 40 --batch 8]

As GenPromp's official training code: classes are trained one at a time on their
own images with a fresh optimiser; only the concept token's input-embedding row
learns (VAE, UNet, encoder layers and every other row are frozen — the row is one
parameter, the single-row gradient mask in its simplest form); it starts as a copy
of the meta token's row; the prompt is the concept caption in a random one of the
7 templates. Output: concept rows [C, D] for the pack's representativeEmbeddings.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from .. import paths
from ..checkpoint import load_stage
from ..pack import PROMPT_TEMPLATES
from ..teach import InversionConfig
from . import text as words
from .diffusion import Diffusion, file_sha, latent_cache
from .harness import StageResult, optimise, seed_everything, stage_args, write_result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = InversionConfig()  # shared with the browser's inversion (the pack's `teach.inversion`)
    ap.add_argument("--steps-per-class", type=int, default=defaults.steps)
    ap.add_argument("--batch", type=int, default=defaults.batch)
    ap.add_argument("--lr", type=float, default=defaults.lr)
    stage_args(ap, "inversion", paths.STAGES / "concepts.pt")  # the run folder keeps one finished row per class
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    vae, vae_ck = load_stage("vae")
    text, _ = load_stage("text_encoder")
    unet, _ = load_stage("unet")
    for m in (text, unet):
        m.requires_grad_(False)
    spec = words.build_spec()
    mean, logvar, labels, classes = latent_cache(vae, file_sha(paths.STAGES / "vae.pt"))
    diffusion = Diffusion(vae_ck["config"]["scaling_factor"])
    args.run_dir.mkdir(parents=True, exist_ok=True)
    rows, cpu0, wall0, losses = [], time.process_time(), time.time(), {}
    prior_cpu = prior_wall = 0.0
    for ci, cls in enumerate(classes):
        done = args.run_dir / f"{ci:02d}-{cls}.pt"
        if done.exists():  # resumable per class
            saved = torch.load(done)
            rows.append(saved["row"])
            losses[cls] = saved["loss"]
            prior_cpu += saved["cpu_seconds"]
            prior_wall += saved["wall_seconds"]
            continue
        c0, w0 = time.process_time(), time.time()
        seed_everything(args.seed * 1000 + ci)
        meta_id = spec.tokenizer.token_to_id(cls)
        row = torch.nn.Parameter(text.token_embedding.weight[meta_id].detach().clone())  # init from the meta token
        opt = torch.optim.AdamW([row], lr=args.lr, weight_decay=defaults.weight_decay)
        pool = torch.from_numpy((labels == ci).nonzero()[0])
        concept_id = spec.tokenizer.token_to_id(words.concept_token(cls))
        hist = []
        for _step in range(args.steps_per_class):
            idx = pool[torch.randint(0, len(pool), (args.batch,))]
            tmpl = [PROMPT_TEMPLATES[i] for i in torch.randint(0, len(PROMPT_TEMPLATES), (args.batch,)).tolist()]
            ids = words.ids(spec, [t.format(words.concept_token(cls)) for t in tmpl])
            mask = (ids == concept_id).float()
            ids = torch.where(ids == concept_id, torch.full_like(ids, spec.pad_id), ids)
            cond = text(ids, row[None, None].expand(args.batch, ids.shape[1], -1), mask)
            hist.append(optimise(opt, diffusion.loss(unet, diffusion.sample_latents(mean, logvar, idx), cond)))
        r = row.detach().clone()
        cpu, wall = time.process_time() - c0, time.time() - w0
        losses[cls] = float(np.mean(hist[-20:]))
        torch.save({"row": r, "loss": losses[cls], "cpu_seconds": cpu, "wall_seconds": wall}, done)
        rows.append(r)
        print(f"[inversion] {ci + 1}/{len(classes)} {cls}: loss {losses[cls]:.4f}, moved {float((r - text.token_embedding.weight[meta_id]).norm()):.3f} from the meta row, {cpu:.0f} CPU-s", flush=True)
    result = StageResult(len(classes) * args.steps_per_class, prior_cpu + time.process_time() - cpu0, prior_wall + time.time() - wall0)
    write_result(args.out, {"rows": torch.stack(rows), "classes": classes, "concept_tokens": [words.concept_token(c) for c in classes], "args": vars(args) | {"run_dir": str(args.run_dir), "out": str(args.out)}},
                 result, {"mean_final_loss": round(sum(losses.values()) / len(losses), 4)})


if __name__ == "__main__":
    main()
