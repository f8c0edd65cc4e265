"""The negatives a new classifier row is trained against in the browser: pooled classifier features of
train-style composites of the pack's known classes, written next to the combined checkpoint.

    .venv/bin/python python/scripts/build_teach_bank.py        # needs data/toyworld (toyworld_fetch_art.py)

Why a bank: a new row of the frozen head must learn what the new class is *not*. The browser has no
training set, so the pack ships a small bank: --per-class composites of each known class from the
train styles, procedural backgrounds, seed 1 (the classifier trained on seed 0's composites). 20 per
class is the setting chosen on validation (docs/teach.md → "Which head row?"). The pack builder
copies the bank into the pack (`teach_negatives.f32`); it checks the recorded classifier digest, so a
retrained classifier cannot ship with a stale bank. Features are stored as float16 (half the bytes in
git); the pack's file holds their exact float32 values.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from wsolkit.evaluate import CHECKPOINT, PACK_DIR, Item, Reference
from wsolkit.evaluate.reference import batches
from wsolkit.teach import TEACH_BANK, head_digest
from wsolkit.toyworld.dataset import ToyWorldDataset


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-class", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1, help="the composites' seed (the classifier trained on seed 0's)")
    ap.add_argument("--out", type=Path, default=TEACH_BANK)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    ref = Reference(CHECKPOINT, PACK_DIR)
    n_known = len(ref.classes)
    ds = ToyWorldDataset.from_disk("train", seed=args.seed, length=args.per_class * n_known, size=256, as_numpy=True, p_photo=0.0)
    items, labels = [], []
    for i in range(args.per_class * len(ds.drawable)):
        s = ds.sample(i)
        items.append(Item(Path(f"bank/{i}"), s["cls"], [], s["image"]))
        labels.append(ref.classes.index(s["cls"]))
    # [N, K, h, w] → mean over positions → [N, K]: what the head reads.
    features = np.concatenate([ref.features(b).mean((2, 3)) for b in batches(items)]).astype(np.float16)
    labels = np.array(labels, dtype=np.int32)
    counts = np.bincount(labels, minlength=n_known)
    if counts.min() != counts.max():
        raise SystemExit(f"the bank is unbalanced: {counts.tolist()}")
    head = ref.classifier.head
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, features=features, labels=labels, classifier=np.array(head_digest(head.weight, head.bias)))
    print(f"wrote {args.out}: {features.shape[0]} negatives × {features.shape[1]} features, {counts[0]} per class")


if __name__ == "__main__":
    main()
