"""Teach GenPromp an animal it has never seen, in the PyTorch reference of the browser's textual
inversion: does the learned token localise the new animal better than its starting word?

    .venv/bin/python python/scripts/toyworld_build_new_class.py --seed 0    # the new animals' sets, once
    .venv/bin/python python/scripts/teach_inversion_eval.py [--json docs/results/teach-inversion.json]

For each new animal (snail, goat, dolphin, snake): its first --positives train-style composites
(data/toyworld/new/train) give VAE posteriors, and one concept row is learned from the starting
word's embedding ("animal") with stage 1's settings (wsolkit.teach.invert_concept: 40 AdamW steps
at batch 8, lr 1e-2, flips; the UNet before finetuning, as stage 1). The maps then come from the
pack's pipeline (finetuned UNet, timesteps, resolutions, τ and noise seed of the pack), with
f = λ·f_r + (1−λ)·f_d, f_d from the starting word. Scored on the animal's held-out images
(new/val and new/test, 20 each):
- GT-known at the pack's τ for λ = 0 (the starting word), λ = 1 (the learned token) and the pack's λ;
- on new/test-pairs (the animal beside a known class), the learned token's selective GT-known: its
  box matches the animal's (IoU ≥ 0.5), and how often it lands on the other object instead.
Nothing is chosen here: the settings are stage 1's and the pack's.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from wsolkit import genpromp as gp
from wsolkit.evaluate import CHECKPOINT, PACK_DIR, Reference
from wsolkit.evaluate.diagnostics import selective_report
from wsolkit.evaluate.reference import aggregate_one, batches
from wsolkit.localisation import MapSet, load_items, toyworld_pairs
from wsolkit.paths import ROOT
from wsolkit.scheduler import alphas_cumprod
from wsolkit.teach import InversionConfig, invert_concept, word_and_concept_states
from wsolkit.toyworld import catalog as C
from wsolkit.train import text as words

NEW = ROOT / "data/toyworld/new"


def new_split(split: str, names: list[str]):
    d = NEW / split
    if not (d / "annotations.json").exists():
        raise SystemExit(f"{d}/annotations.json is missing: python/scripts/toyworld_build_new_class.py --seed 0")
    return load_items(d, json.loads((d / "annotations.json").read_text())["images"], names)


def maps_for(ref: Reference, items, cond: torch.Tensor) -> MapSet:
    """The pack's GenPromp maps of `items`, all conditioned on `cond` [1, L, D]."""
    ts, res = ref.settings["timesteps"], ref.settings["resolutions"]
    out = []
    for b in batches(items, 32):
        raw = ref.raw_maps(ref.latents(ref.model_input(b)), cond.expand(len(b), -1, -1), ts)
        out += [aggregate_one(raw, i, ts, res, ref) for i in range(len(b))]
    return MapSet("maps", out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--positives", type=int, default=5)
    ap.add_argument("--word", default="animal", help="the starting word (f_d, and the row's start)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    t0 = time.time()
    ref = Reference(CHECKPOINT, PACK_DIR)
    if ref.unet_base is None:
        raise SystemExit(f"{CHECKPOINT} has no unet_base (the UNet stage 1 trains through)")
    for m in (ref.text, ref.unet_base, ref.unet, ref.vae):
        m.requires_grad_(False)
    new = [c for c, _ in C.NEW_CLASSES]
    names = ref.classes + new
    spec = words.build_spec()
    word_id = spec.tokenizer.token_to_id(args.word)
    if word_id is None:
        raise SystemExit(f"{args.word!r} is not a word of the pack's vocabulary")
    template_ids = words.ids(spec, [t.format(args.word) for t in ref.templates])
    acp = torch.from_numpy(alphas_cumprod())
    cfg = InversionConfig(seed=args.seed)
    tau, lam_pack, size = ref.settings["threshold"], ref.manifest["genpromp"]["lambda"], ref.size
    train = new_split("train", names)
    sets = {s: new_split(s, names) for s in ("val", "test")}
    pairs = [p for p in toyworld_pairs("test", names, root=NEW) if p.cls in new]

    report = {"word": args.word, "positives": args.positives, "inversion": vars(cfg), "tau": tau, "lambda_pack": lam_pack, "per_class": {}}
    for cls in new:
        c0 = time.process_time()
        mine = [it for it in train if it.cls == cls][: args.positives]
        with torch.no_grad():
            mean, logvar = ref.vae.encode(ref.model_input(mine))
        row0 = ref.text.token_embedding.weight[word_id].detach().clone()
        row, losses = invert_concept(ref.text, ref.unet_base, row0, mean, logvar, ref.scaling, acp, template_ids, word_id, spec.pad_id, cfg)
        f_d, f_r = word_and_concept_states(ref.text, template_ids, word_id, spec.pad_id, row)
        row_cpu = time.process_time() - c0
        scores = {}
        for split, items in sets.items():
            held = [it for it in items if it.cls == cls]
            scores[split] = {f"lambda_{lam:g}": round(maps_for(ref, held, gp.mix(f_d, f_r, lam)).gt_known(held, size, tau), 2)
                             for lam in (0.0, 1.0, lam_pack)} | {"images": len(held)}
        mine_pairs = [p for p in pairs if p.cls == cls]
        sel = selective_report(maps_for(ref, mine_pairs, gp.mix(f_d, f_r, 1.0)), mine_pairs, size, tau)
        word_sel = selective_report(maps_for(ref, mine_pairs, gp.mix(f_d, f_r, 0.0)), mine_pairs, size, tau)
        report["per_class"][cls] = {**scores, "test_pairs_learned": sel, "test_pairs_word": word_sel,
                                    "loss_first_last": [round(losses[0], 4), round(losses[-1], 4)],
                                    "row_moved": round(float((row - row0).norm()), 4), "inversion_cpu_seconds": round(row_cpu, 1)}
        print(f"{cls}: test GT-known word {scores['test']['lambda_0']} → learned {scores['test']['lambda_1']} "
              f"(λ {lam_pack}: {scores['test'][f'lambda_{lam_pack:g}']}); val {scores['val']['lambda_0']} → {scores['val']['lambda_1']}; "
              f"pairs selective {sel['selective_gt_known']} (word {word_sel['selective_gt_known']}, other box {sel['other_box']}); "
              f"row moved {report['per_class'][cls]['row_moved']}, {row_cpu:.0f} CPU-s", flush=True)

    def mean(path):
        vals = [v for v in (path(report["per_class"][c]) for c in new)]
        return round(float(np.mean(vals)), 2)
    report["mean"] = {
        split: {k: mean(lambda r, s=split, k=k: r[s][k]) for k in ("lambda_0", "lambda_1", f"lambda_{lam_pack:g}")} for split in ("val", "test")
    } | {"test_pairs_learned_selective": mean(lambda r: r["test_pairs_learned"]["selective_gt_known"]),
         "test_pairs_word_selective": mean(lambda r: r["test_pairs_word"]["selective_gt_known"])}
    report["wall_seconds"] = round(time.time() - t0, 1)
    print(json.dumps(report["mean"], indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
