"""Toy-world generator: determinism, exact boxes/masks, split isolation, byte-identical eval sets.

Runs on tiny synthetic RGBA sprites written to a tmp dir (no downloaded art needed).
"""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from wsolkit.toyworld import catalog
from wsolkit.toyworld.backgrounds import Backgrounds, PhotoPool, procedural
from wsolkit.toyworld.compose import ComposeConfig, compose, compose_pair
from wsolkit.toyworld.dataset import ToyWorldDataset, build_eval_set, build_pair_set
from wsolkit.toyworld.sprites import SpriteBank

# (style, split) pairs taken from the real catalog so split bookkeeping is exercised for real.
STYLE_OF_SPLIT = {"train": ["noto", "twemoji"], "val": ["emojione1"], "test": ["openmoji", "art4apps"]}
CLASSES = ["dog", "cat", "bus"]
TEST_COLOUR = (0, 255, 0)   # only test-style sprites use pure green


def _sprite_png(path, cls_i: int, style_i: int, colour):
    img = Image.new("RGBA", (48 + 8 * cls_i, 40 + 4 * style_i), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    w, h = img.size
    if cls_i % 2 == 0:
        d.ellipse([3, 3, w - 4, h - 4], fill=colour + (255,))
    else:
        d.polygon([(w // 2, 2), (w - 3, h - 3), (2, h - 3)], fill=colour + (255,))
    d.rectangle([w // 3, h // 3, w // 2, h // 2], fill=(255, 255, 255, 200))
    img = img.resize((w * 2, h * 2), Image.LANCZOS)  # soft alpha edges
    img.save(path)


@pytest.fixture(scope="module")
def sprite_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("sprites")
    sprites = []
    for split, styles in STYLE_OF_SPLIT.items():
        for si, style in enumerate(styles):
            (root / style).mkdir()
            for ci, cls in enumerate(CLASSES):
                colour = TEST_COLOUR if split == "test" else ((200, 40, 40) if split == "train" else (40, 40, 200))
                _sprite_png(root / style / f"{cls}.png", ci, si, colour)
                meta = catalog.STYLES[style]
                sprites.append(dict(id=f"{style}/{cls}", cls=cls, style=style, split=split,
                                    family=meta["family"], licence=meta["licence"], source="synthetic",
                                    file=f"{style}/{cls}.png"))
    styles = {s: dict(split=catalog.STYLES[s]["split"], default_eval=True)
              for st in STYLE_OF_SPLIT.values() for s in st}
    (root / "index.json").write_text(json.dumps(dict(classes=CLASSES, styles=styles, sprites=sprites,
                                                     missing=[])))
    return root


@pytest.fixture(scope="module")
def photo_pool(tmp_path_factory):
    root = tmp_path_factory.mktemp("bg")
    rng = np.random.default_rng(3)
    files = []
    for i in range(2):
        p = root / f"p{i}.png"
        Image.fromarray(rng.integers(0, 255, (90, 120, 3), dtype=np.uint8)).save(p)
        files.append(p)
    return PhotoPool(files, [{"file": f"p{i}.png"} for i in range(2)])


def _bbox(mask):
    ys, xs = np.nonzero(mask)
    return [int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())]


def _sprites(sprite_root, split, cls="dog"):
    return SpriteBank.load(split, sprite_root)[cls]


def test_compose_deterministic(sprite_root, photo_pool):
    sp = _sprites(sprite_root, "train")
    bgs = Backgrounds(photo_pool, p_photo=0.5)
    cfg = ComposeConfig(multi_instance_p=0.5, occluder_p=0.5)
    for seed in range(6):
        a = compose(np.random.default_rng(seed), sp, bgs, 96, cfg)
        b = compose(np.random.default_rng(seed), sp, bgs, 96, cfg)
        assert np.array_equal(a[0], b[0]) and a[1] == b[1] and np.array_equal(a[2], b[2])
    c = compose(np.random.default_rng(100), sp, bgs, 96, cfg)
    assert not np.array_equal(a[0], c[0])


def test_single_instance_box_is_mask_bbox_with_border_cuts(sprite_root):
    sp = _sprites(sprite_root, "train")
    cfg = ComposeConfig(multi_instance_p=0, occluder_p=0, border_cut_p=1.0, blur_p=0.5)
    size, touched = 80, 0
    for seed in range(40):
        rgb, boxes, mask = compose(np.random.default_rng(seed), sp, lambda r, s: procedural(r, s), size, cfg)
        assert rgb.shape == (size, size, 3) and rgb.dtype == np.uint8
        assert mask.shape == (size, size) and set(np.unique(mask)) <= {0, 1}
        assert len(boxes) == 1
        x0, y0, x1, y1 = boxes[0]
        assert 0 <= x0 <= x1 < size and 0 <= y0 <= y1 < size
        assert boxes[0] == _bbox(mask)
        touched += x0 == 0 or y0 == 0 or x1 == size - 1 or y1 == size - 1
    assert touched >= 5  # border cuts really happen


def test_multi_instance_gives_2_or_3_boxes(sprite_root):
    sp = _sprites(sprite_root, "train")
    cfg = ComposeConfig(multi_instance_p=1.0, occluder_p=0, border_cut_p=0.5)
    counts = set()
    for seed in range(20):
        _, boxes, mask = compose(np.random.default_rng(seed), sp, lambda r, s: procedural(r, s), 96, cfg)
        assert 2 <= len(boxes) <= 3
        counts.add(len(boxes))
        for b in boxes:
            assert 0 <= b[0] <= b[2] < 96 and 0 <= b[1] <= b[3] < 96
        union = [min(b[0] for b in boxes), min(b[1] for b in boxes),
                 max(b[2] for b in boxes), max(b[3] for b in boxes)]
        assert union == _bbox(mask)
    assert counts == {2, 3}


def test_scale_range(sprite_root):
    sp = _sprites(sprite_root, "train")
    size = 128
    cfg = ComposeConfig(multi_instance_p=0, occluder_p=0, border_cut_p=0)
    longs = []
    for seed in range(40):
        _, boxes, _ = compose(np.random.default_rng(seed), sp, lambda r, s: procedural(r, s), size, cfg)
        x0, y0, x1, y1 = boxes[0]
        longs.append(max(x1 - x0 + 1, y1 - y0 + 1) / size)
    assert min(longs) >= 0.15 - 0.03 and max(longs) <= 0.85 + 0.02
    assert max(longs) - min(longs) > 0.3  # the range is used, not a constant
    fixed = ComposeConfig(scale=(0.5, 0.5), multi_instance_p=0, occluder_p=0, border_cut_p=0)
    for seed in range(10):
        _, boxes, _ = compose(np.random.default_rng(seed), sp, lambda r, s: procedural(r, s), size, fixed)
        x0, y0, x1, y1 = boxes[0]
        assert abs(max(x1 - x0 + 1, y1 - y0 + 1) - 64) <= 3


def test_occluder_keeps_full_box_and_hides_mask(sprite_root):
    bank = SpriteBank.load("train", sprite_root)
    cfg = ComposeConfig(multi_instance_p=0, occluder_p=1.0, border_cut_p=0, scale=(0.5, 0.8))
    hidden = 0
    for seed in range(12):
        info = {}
        _, boxes, mask = compose(np.random.default_rng(seed), bank["dog"], lambda r, s: procedural(r, s), 96,
                                 cfg, bank.others("dog"), info)
        x0, y0, x1, y1 = boxes[0]
        assert mask.sum() > 0
        m = _bbox(mask)
        assert x0 <= m[0] and y0 <= m[1] and m[2] <= x1 and m[3] <= y1  # box = full extent
        for o in info["occluders"]:
            assert 0.1 <= o["cover"] <= 0.5
            if o["kind"] == "sprite":
                assert not o["id"].endswith("/dog")
        hidden += bool(info["occluders"])
    assert hidden >= 8


def test_split_isolation(sprite_root):
    train = SpriteBank.load("train", sprite_root)
    assert {s.split for s in train.sprites} == {"train"}
    assert not any(s.style in STYLE_OF_SPLIT["test"] + STYLE_OF_SPLIT["val"] for s in train.sprites)
    test = SpriteBank.load("test", sprite_root)
    with pytest.raises(ValueError):
        SpriteBank("train", train.sprites + test.sprites[:1], CLASSES)
    ds = ToyWorldDataset(train, Backgrounds(), seed=1, length=30, size=64,
                         cfg=ComposeConfig(occluder_p=0.5, multi_instance_p=0.3, hue_deg=0,
                                           saturation=0, brightness=0, contrast=0, global_jitter=0,
                                           blur_p=0),
                         as_numpy=True)
    for i in range(len(ds)):
        s = ds.sample(i)
        used = [x["id"] for x in s["info"]["instances"]] + [o["id"] for o in s["info"]["occluders"]
                                                          if o["kind"] == "sprite"]
        assert all(u.split("/")[0] in STYLE_OF_SPLIT["train"] for u in used)
        # no test-only pure green anywhere the target is
        img = s["image"][s["mask"] > 0]
        assert not np.any(np.all(img == TEST_COLOUR, axis=-1))
    # an index that contradicts the catalog (a test style marked train) is refused
    bad = json.loads((sprite_root / "index.json").read_text())
    for rec in bad["sprites"]:
        if rec["style"] == "openmoji":
            rec["split"] = "train"
    bad_root = sprite_root.parent / "bad_sprites"
    bad_root.mkdir(exist_ok=True)
    (bad_root / "index.json").write_text(json.dumps(bad))
    with pytest.raises(ValueError):
        SpriteBank.load("train", bad_root)


def test_dataset_items_deterministic_and_collatable(sprite_root):
    torch = pytest.importorskip("torch")
    bank = SpriteBank.load("train", sprite_root)
    ds = ToyWorldDataset(bank, Backgrounds(), seed=7, length=6, size=64)
    a, b = ds[3], ds[3]
    assert torch.equal(a["image"], b["image"]) and torch.equal(a["boxes"], b["boxes"])
    assert a["image"].shape == (3, 64, 64) and a["image"].dtype == torch.uint8
    assert a["boxes"].shape == (3, 4) and 1 <= a["n_boxes"] <= 3
    batch = next(iter(torch.utils.data.DataLoader(ds, batch_size=3)))
    assert batch["image"].shape == (3, 3, 64, 64)
    ds.set_epoch(1)
    assert not torch.equal(ds[3]["image"], a["image"])


def test_eval_builder_byte_identical(sprite_root, photo_pool, tmp_path):
    def build(out):
        bank = SpriteBank.load("test", sprite_root)
        return build_eval_set(bank, Backgrounds(photo_pool), out, per_class=5, seed=0, size=64,
                              log=lambda *a: None)
    a1 = build(tmp_path / "a")
    assert _builds_identically(build, tmp_path) == 1 + 2 * 5 * len(CLASSES)
    ann = json.loads((tmp_path / "a" / "annotations.json").read_text())
    assert ann["counts"] == {c: 5 for c in CLASSES}
    styles = {im["styles"][0] for im in ann["images"]}
    assert styles == {"openmoji", "art4apps"}
    assert all(im["share_alike"] for im in ann["images"])
    variants = [im["variant"] for im in ann["images"]]
    assert variants.count("multi") == len(CLASSES) and variants.count("occluded") == len(CLASSES)
    for im in ann["images"]:
        m = np.asarray(Image.open(tmp_path / "a" / im["mask"])) > 0
        if im["variant"] != "occluded":
            union = [min(b[0] for b in im["boxes"]), min(b[1] for b in im["boxes"]),
                     max(b[2] for b in im["boxes"]), max(b[3] for b in im["boxes"])]
            assert union == _bbox(m)
    assert a1["checksum"]


def test_compose_pair_gives_each_object_its_box_and_visible_mask(sprite_root):
    bank = SpriteBank.load("train", sprite_root)
    cfg = ComposeConfig(border_cut_p=0.5)
    covered = 0
    for seed in range(20):
        info = {}
        rgb, boxes, masks = compose_pair(np.random.default_rng(seed), bank["dog"][0], bank["bus"][0],
                                         lambda r, s: procedural(r, s), 96, cfg, info=info)
        assert rgb.shape == (96, 96, 3) and len(boxes) == 2 and len(masks) == 2
        for b, m in zip(boxes, masks):
            assert set(np.unique(m)) <= {0, 1} and m.sum() > 0
            mb = _bbox(m)
            assert b[0] <= mb[0] and b[1] <= mb[1] and mb[2] <= b[2] and mb[3] <= b[3]  # box = full extent
        top = 1 - info["drawn_first"]
        # both objects count a pixel only on the top object's soft edge (alpha 8..127 does not hide)
        interior = cv2.erode(masks[top], np.ones((5, 5), np.uint8))
        assert not np.any(masks[info["drawn_first"]] & interior)
        assert boxes[top] == _bbox(masks[top])  # the object drawn on top is never hidden
        covered += boxes[info["drawn_first"]] != _bbox(masks[info["drawn_first"]])
    again = compose_pair(np.random.default_rng(3), bank["dog"][0], bank["bus"][0], lambda r, s: procedural(r, s), 96, cfg)
    first = compose_pair(np.random.default_rng(3), bank["dog"][0], bank["bus"][0], lambda r, s: procedural(r, s), 96, cfg)
    assert np.array_equal(again[0], first[0]) and again[1] == first[1]
    assert covered >= 1  # overlaps happen, and they hide pixels of the lower object only


def test_pair_builder_is_byte_identical_with_two_different_classes(sprite_root, photo_pool, tmp_path):
    def build(out):
        return build_pair_set(SpriteBank.load("val", sprite_root), Backgrounds(photo_pool), out, per_class=3, seed=0,
                              size=64, log=lambda *a: None)
    build(tmp_path / "a")
    assert _builds_identically(build, tmp_path) == 1 + 3 * 3 * len(CLASSES)
    ann = json.loads((tmp_path / "a" / "annotations.json").read_text())
    assert ann["format"] == "wsol-lab toyworld pairs v1" and len(ann["images"]) == 3 * len(CLASSES)
    for im in ann["images"]:
        a, b = im["objects"]
        assert a["cls"] != b["cls"] and im["styles"] == ["emojione1"]
        for o in (a, b):
            m = np.asarray(Image.open(tmp_path / "a" / o["mask"])) > 0
            assert m.any() and CLASSES[o["label"]] == o["cls"]
    assert {im["objects"][0]["cls"] for im in ann["images"]} == set(CLASSES)


def test_pair_builder_with_named_classes_puts_only_them_first_and_draws_the_other_object_elsewhere(sprite_root, photo_pool, tmp_path):
    # A new class beside the known ones (issue 14's two-object check): A only from `named`, B never.
    named = CLASSES[:1]
    ann = build_pair_set(SpriteBank.load("val", sprite_root), Backgrounds(photo_pool), tmp_path, per_class=4, seed=0,
                         size=64, log=lambda *a: None, named=named)
    assert len(ann["images"]) == 4
    for im in ann["images"]:
        a, b = im["objects"]
        assert a["cls"] in named and b["cls"] not in named


def _builds_identically(build, tmp_path) -> int:
    """Build again into tmp_path/b and check every file equals tmp_path/a's, byte for byte; the file count."""
    build(tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    return len(files)
