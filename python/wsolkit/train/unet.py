"""Stage: the text-conditioned UNet, ε-prediction on VAE latents (scaled-linear schedule).

    cd python && ../.venv/bin/python -m wsolkit.train.unet [--steps 2000 --batch 16]

Needs the VAE and text-encoder stages. Captions are a random training template
with the class name (the meta token) or, for 20 % of images, one of its
superclasses, so the UNet learns what "animal" or "bird" look like too. The text
encoder is frozen: all (word, template) hidden states are computed once.
With `--p-pair`, that share of every batch comes from two-class composites captioned
with ONE of the two objects (either, at random; its name or a superclass word), as web
captions name one thing among several: the word must then pick its object, which
single-object captions never ask for (there, "attend to the class word" and "attend to
whatever is salient" are the same solution). `--pair-caption both` names both objects
("a dog a bus", random order): the two class tokens then compete in every pixel's softmax,
so a pixel's query must prefer its own class's key, the binding the readout needs.
`--first-stage` swaps the VAE for a semantic first stage (models/semantic.py).
Every 1000 steps it reports GT-known localisation of f_d-only maps on validation
images, the first sign of whether class-token attention finds the object, and with
`--p-pair` also the wrong-class and two-class (selectivity) monitors.
"""
from __future__ import annotations

import argparse
import math
from dataclasses import asdict
from pathlib import Path

import torch

from .. import paths
from ..checkpoint import load_stage
from ..localisation import quick_localisation
from ..models import UNet, UNetConfig
from . import text as words
from .diffusion import Diffusion, file_sha, latent_cache, pair_latent_cache
from .harness import optimise, run_stage, stage_args, stage_config, write_result

# Both objects of a two-class composite in one caption. The toy text encoder's context is 8 tokens
# and its vocabulary has no "and", so "a photo of a dog and a bus" does not fit; "a dog a bus" does.
PAIR_TEMPLATE = "a {} a {}"


def caption_states(text_encoder, spec, vocab: list[str], templates: list[str]) -> torch.Tensor:
    """→ last_hidden_state for every (word, template): [W, T, L, D]."""
    with torch.no_grad():
        return torch.stack([text_encoder(words.ids(spec, [t.format(w) for t in templates])) for w in vocab])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--channels", type=str, default="32,64,64", help="block channels (cross-attention at the first two levels and mid)")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--p-superclass", type=float, default=0.2)
    ap.add_argument("--p-pair", type=float, default=0.0, help="share of each batch from two-class composites captioned with one of them")
    ap.add_argument("--pair-caption", choices=("one", "both"), default="one",
                    help="two-class composites captioned with one of the objects, or with both (PAIR_TEMPLATE)")
    ap.add_argument("--pairs", type=int, default=10000, help="two-class composites in the cache (--p-pair)")
    ap.add_argument("--eval-every", type=int, default=1000)
    ap.add_argument("--first-stage", type=Path, default=paths.STAGES / "vae.pt",
                    help="the latent's encoder: the VAE stage, or a semantic first stage (python -m wsolkit.train.semantic)")
    ap.add_argument("--init-from", type=Path, help="warm start: a finished UNet stage checkpoint (its config must match); the schedule starts afresh")
    stage_args(ap, "unet", paths.STAGES / "unet.pt")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    vae, vae_ck = load_stage("vae", args.first_stage)
    vae_sha = file_sha(args.first_stage)
    text, _ = load_stage("text_encoder")
    spec = words.build_spec()
    mean, logvar, labels, classes = latent_cache(vae, vae_sha)
    if args.p_pair > 0:
        p_mean, p_logvar, p_labels = pair_latent_cache(vae, vae_sha, count=args.pairs)
    vocab = classes + [s for s in words.SUPERCLASSES if s not in classes]
    states = caption_states(text, spec, vocab, words.TRAIN_TEMPLATES)  # [W, T, L, D]
    cfg = UNetConfig(in_channels=mean.shape[1], block_channels=tuple(int(c) for c in args.channels.split(",")), heads=4,
                     cross_attention_dim=text.cfg.width, groups=8, sample_size=mean.shape[-1],
                     self_attention=(False, True, False))  # no 1024² self-attention at 32² (UNetConfig)
    torch.manual_seed(args.seed)
    unet = UNet(cfg)
    extra = {}
    if args.init_from:
        init = torch.load(args.init_from, map_location="cpu")
        if init["config"] != asdict(cfg):
            raise SystemExit(f"{args.init_from} has another UNet config than this run's; drop --init-from or match --channels")
        unet.load_state_dict(init["state"])  # a resumed run then overrides it with its own last.pt
        extra = {"init_sha256": file_sha(args.init_from), "init_steps": init.get("steps")}
    diffusion = Diffusion(vae_ck["config"]["scaling_factor"])
    opt = torch.optim.AdamW(unet.parameters(), lr=args.lr, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 200) * (0.55 + 0.45 * math.cos(math.pi * s / args.steps)))
    config = stage_config("unet", args, model=asdict(cfg), vae_sha256=vae_sha, **extra)
    word_of = {c: [vocab.index(w) for w in words.caption_words(c)] for c in classes}

    def caption_word(cls: int) -> int:
        options = word_of[classes[cls]]
        sup = len(options) > 1 and torch.rand(1).item() < args.p_superclass
        return options[1 + torch.randint(0, len(options) - 1, (1,)).item()] if sup else options[0]

    n_pair = round(args.batch * args.p_pair)

    def train_step(step: int) -> float:
        # Draws in the order the one-name recipe always used, so its committed runs reproduce.
        idx = torch.randint(0, len(mean), (args.batch - n_pair,))
        w = [caption_word(labels[i]) for i in idx.tolist()]
        z = diffusion.sample_latents(mean, logvar, idx)
        caps = []
        if n_pair:
            pidx = torch.randint(0, len(p_mean), (n_pair,))
            if args.pair_caption == "one":
                named = torch.randint(0, 2, (n_pair,))
                w += [caption_word(p_labels[i][j]) for i, j in zip(pidx.tolist(), named.tolist())]
            else:  # both names, in random order: the two class tokens compete for every pixel's attention
                order = torch.randint(0, 2, (n_pair,)).tolist()
                caps = [PAIR_TEMPLATE.format(*(classes[p_labels[i][k]] for k in ((0, 1) if o == 0 else (1, 0)))) for i, o in zip(pidx.tolist(), order)]
            z = torch.cat([z, diffusion.sample_latents(p_mean, p_logvar, pidx)])
        t = torch.randint(0, len(words.TRAIN_TEMPLATES), (args.batch,))
        cond = states[torch.tensor(w), t[: len(w)]]
        if caps:
            with torch.no_grad():
                cond = torch.cat([cond, text(words.ids(spec, caps))])
        return optimise(opt, diffusion.loss(unet, z, cond))

    def evaluate(step: int) -> dict:
        return quick_localisation(vae, text, unet, spec, classes, diffusion.scaling, lam=0.0, concept_rows=None, selectivity=args.p_pair > 0)

    result = run_stage("unet", args.run_dir, unet, opt, args.steps, train_step, config, args.seed, sched, evaluate, eval_every=args.eval_every)
    write_result(args.out, {"config": asdict(cfg), "state": unet.state_dict(), "args": config}, result, result.metrics)


if __name__ == "__main__":
    main()
