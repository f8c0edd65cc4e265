"""GenPromp stage 2: finetune the UNet on the combined embedding 0.5·f_r + 0.5·f_d.

    cd python && ../.venv/bin/python -m wsolkit.train.finetune [--steps 300 --batch 16]

As GenPromp's official training code: all UNet parameters train; VAE, text
encoder and the stage-1 concept rows are frozen; f_r and f_d come from one random
template shared by the pair (no template averaging); batches mix all classes;
constant learning rate. Writes unet_finetuned.pt; unet.pt stays for the ablation.
"""
from __future__ import annotations

import argparse

import torch

from .. import paths
from ..checkpoint import load_stage
from ..localisation import quick_localisation
from ..pack import PROMPT_TEMPLATES
from . import text as words
from .diffusion import Diffusion, file_sha, latent_cache
from .harness import optimise, run_stage, stage_args, stage_config, write_result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--mix", type=float, default=0.5, help="λ used for finetuning (the paper's 0.5)")
    stage_args(ap, "finetune", paths.STAGES / "unet_finetuned.pt")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    vae, vae_ck = load_stage("vae")
    text, _ = load_stage("text_encoder")
    unet, unet_ck = load_stage("unet")
    concepts = torch.load(paths.STAGES / "concepts.pt")["rows"]  # [C, D]
    spec = words.build_spec()
    mean, logvar, labels, classes = latent_cache(vae, file_sha(paths.STAGES / "vae.pt"))
    diffusion = Diffusion(vae_ck["config"]["scaling_factor"])
    # Frozen text side, computed once: f_d and f_r for every (class, template) → [C, T, L, D]
    with torch.no_grad():
        f_d = torch.stack([text(words.ids(spec, [t.format(c) for t in PROMPT_TEMPLATES])) for c in classes])
        f_r = []
        for ci, c in enumerate(classes):
            ids = words.ids(spec, [t.format(words.concept_token(c)) for t in PROMPT_TEMPLATES])
            cid = spec.tokenizer.token_to_id(words.concept_token(c))
            mask = (ids == cid).float()
            ids = torch.where(ids == cid, torch.full_like(ids, spec.pad_id), ids)
            f_r.append(text(ids, concepts[ci][None, None].expand(len(PROMPT_TEMPLATES), ids.shape[1], -1), mask))
        f_r = torch.stack(f_r)
        cond_table = args.mix * f_r + (1 - args.mix) * f_d
    unet.train()
    opt = torch.optim.AdamW(unet.parameters(), lr=args.lr, weight_decay=1e-2)
    config = stage_config("finetune", args, unet_sha256=file_sha(paths.STAGES / "unet.pt"), concepts_sha256=file_sha(paths.STAGES / "concepts.pt"))

    def train_step(step: int) -> float:
        idx = torch.randint(0, len(mean), (args.batch,))
        t = torch.randint(0, len(PROMPT_TEMPLATES), (args.batch,))
        cond = cond_table[torch.from_numpy(labels[idx.numpy()]), t]
        return optimise(opt, diffusion.loss(unet, diffusion.sample_latents(mean, logvar, idx), cond))

    def evaluate(step: int) -> dict:
        return quick_localisation(vae, text, unet, spec, classes, diffusion.scaling, lam=0.6, concept_rows=concepts)

    result = run_stage("finetune", args.run_dir, unet, opt, args.steps, train_step, config, args.seed, None, evaluate, eval_every=args.steps)
    write_result(args.out, {"config": unet_ck["config"], "state": unet.state_dict(), "args": config}, result, result.metrics)


if __name__ == "__main__":
    main()
