"""Build the fixed toy-world validation and test sets (deterministic, byte-identical on rerun).

    .venv/bin/python python/scripts/toyworld_build_eval.py --seed 0 --size 256 \
        --per-class-val 20 --per-class-test 40

Reads data/toyworld/sprites/ and data/toyworld/backgrounds/ (python/scripts/toyworld_fetch_art.py),
writes data/toyworld/{val,test}/{images,masks}/*.png and {val,test}/annotations.json.
With the default --splits it also writes the two-class sets {val,test}-pairs/ (one object each
of two different classes per image, exact boxes and masks; `build_pair_set`), from the same
sprites and background pools as val and test.
Validation uses EmojiOne 1 sprites and the val background pool; test uses OpenMoji colour and
Art4Apps with the test pool (add --test-styles openmoji,openmoji-black,art4apps for the hard
line-art variant). Classes with no sprite in a split get no images there (giraffe, duck, owl
have no EmojiOne 1 art, so no validation images); styles are never borrowed across splits.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from wsolkit.paths import ROOT
from wsolkit.toyworld import backgrounds as B
from wsolkit.toyworld import sprites as S
from wsolkit.toyworld.backgrounds import Backgrounds
from wsolkit.toyworld.dataset import build_eval_set, build_pair_set
from wsolkit.toyworld.sprites import SpriteBank


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--per-class-val", type=int, default=20)
    ap.add_argument("--per-class-test", type=int, default=40)
    ap.add_argument("--pairs-per-class-val", type=int, default=10, help="two-class images per class A (val-pairs)")
    ap.add_argument("--pairs-per-class-test", type=int, default=20, help="two-class images per class A (test-pairs)")
    ap.add_argument("--sprites", type=Path, default=S.DEFAULT_ROOT)
    ap.add_argument("--backgrounds", type=Path, default=B.DEFAULT_ROOT)
    ap.add_argument("--out", type=Path, default=ROOT / "data/toyworld")
    ap.add_argument("--test-styles", default=None, help="comma list (default: the split's default styles)")
    ap.add_argument("--splits", default="val,test,val-pairs,test-pairs")
    ap.add_argument("--no-masks", action="store_true")
    args = ap.parse_args(argv)
    t_all = time.time()
    for split in args.splits.split(","):
        t0 = time.time()
        base = split.removesuffix("-pairs")
        styles = args.test_styles.split(",") if (base == "test" and args.test_styles) else None
        bank = SpriteBank.load(base, args.sprites, styles=styles, eval_default_only=styles is None)
        bgs = Backgrounds.load(base, args.backgrounds)
        if split.endswith("-pairs"):
            n = args.pairs_per_class_val if base == "val" else args.pairs_per_class_test
            ann = build_pair_set(bank, bgs, args.out / split, n, seed=args.seed, size=args.size)
            print(f"{split}: {len(ann['images'])} two-class images; annotations crc32 {ann['checksum']}; "
                  f"{time.time() - t0:.1f} s", flush=True)
            continue
        n = args.per_class_val if split == "val" else args.per_class_test
        ann = build_eval_set(bank, bgs, args.out / split, n, seed=args.seed, size=args.size,
                             write_masks=not args.no_masks)
        n_img = len(ann["images"])
        print(f"{split}: {n_img} images, {len(bgs.photos)} background photos, "
              f"classes without images: {ann['classes_without_images'] or 'none'}; "
              f"annotations crc32 {ann['checksum']}; {time.time() - t0:.1f} s", flush=True)
    print(f"total {time.time() - t_all:.1f} s")


if __name__ == "__main__":
    main()
