"""Build the image sets for teaching a class the pack has never seen (deterministic, byte-identical on rerun).

    .venv/bin/python python/scripts/toyworld_fetch_art.py --new-classes     # sprites, once
    .venv/bin/python python/scripts/toyworld_build_new_class.py --seed 0

For each animal outside the 30 classes (catalog.NEW_CLASSES: snail, goat, dolphin, snake),
from data/toyworld/sprites-new/ and the pack's background pools, into data/toyworld/new/:
- train/: train-style composites to teach from (the seven emoji sets the pack trains on;
  procedural backgrounds only, like every training image of the pack), --per-class-train each;
- val/: EmojiOne 1 composites (validation style and pool) to choose teaching settings on;
- test/: held-out test-style composites (OpenMoji colour and Art4Apps, test pool);
- test-pairs/: test-style two-object images, the new animal beside one of the 30 known
  classes, with exact boxes and masks (selective GT-known as in data/toyworld/test-pairs).
Same formats as toyworld_build_eval.py's sets (annotations.json, images/, masks/).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from wsolkit.paths import ROOT
from wsolkit.toyworld import backgrounds as B
from wsolkit.toyworld import catalog as C
from wsolkit.toyworld import sprites as S
from wsolkit.toyworld.backgrounds import Backgrounds
from wsolkit.toyworld.dataset import build_eval_set, build_pair_set
from wsolkit.toyworld.sprites import SpriteBank

NEW_SPRITES = ROOT / "data/toyworld/sprites-new"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--per-class-train", type=int, default=10)
    ap.add_argument("--per-class-val", type=int, default=20)
    ap.add_argument("--per-class-test", type=int, default=20)
    ap.add_argument("--pairs-per-class-test", type=int, default=20)
    ap.add_argument("--new-sprites", type=Path, default=NEW_SPRITES)
    ap.add_argument("--sprites", type=Path, default=S.DEFAULT_ROOT, help="the 30 classes' sprites (the pairs' second object)")
    ap.add_argument("--backgrounds", type=Path, default=B.DEFAULT_ROOT)
    ap.add_argument("--out", type=Path, default=ROOT / "data/toyworld/new")
    args = ap.parse_args(argv)
    if not (args.new_sprites / "index.json").exists():
        raise SystemExit(f"{args.new_sprites}/index.json is missing: run python/scripts/toyworld_fetch_art.py --new-classes")
    t_all = time.time()
    new = [c for c, _ in C.NEW_CLASSES]
    for split, n in (("train", args.per_class_train), ("val", args.per_class_val), ("test", args.per_class_test)):
        t0 = time.time()
        bank = SpriteBank.load(split, args.new_sprites, eval_default_only=split != "train")
        # Training images of the pack never show a photo background (licences); teaching images follow suit.
        bgs = Backgrounds.load(split, args.backgrounds, p_photo=0.0 if split == "train" else 0.5)
        ann = build_eval_set(bank, bgs, args.out / split, n, seed=args.seed, size=args.size)
        print(f"{split}: {len(ann['images'])} images of {', '.join(new)}; annotations crc32 {ann['checksum']}; "
              f"{time.time() - t0:.1f} s", flush=True)
    t0 = time.time()
    known = SpriteBank.load("test", args.sprites, eval_default_only=True)
    fresh = SpriteBank.load("test", args.new_sprites, eval_default_only=True)
    both = SpriteBank("test", fresh.sprites + known.sprites, new + known.classes)
    ann = build_pair_set(both, Backgrounds.load("test", args.backgrounds), args.out / "test-pairs", args.pairs_per_class_test,
                         seed=args.seed, size=args.size, named=new)
    print(f"test-pairs: {len(ann['images'])} images, a new animal beside a known class; annotations crc32 {ann['checksum']}; "
          f"{time.time() - t0:.1f} s")
    print(f"total {time.time() - t_all:.1f} s")


if __name__ == "__main__":
    main()
