"""Training composites on the fly, and the fixed validation/test sets.

`ToyWorldDataset(split="train", seed=s, length=n)[i]` is a pure function of (seed, epoch, i):
numpy's Generator seeded with SeedSequence([seed, epoch, i]). It only ever sees the sprites and
background pool of its own split (SpriteBank enforces it), so a test-style sprite can never be
drawn into a training composite.

`build_eval_set(...)` writes a fixed set: images/*.png, masks/*.png, annotations.json
(format in docs/toyworld-data.md); rerunning with the same inputs gives byte-identical files.
"""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from . import catalog
from .backgrounds import Backgrounds
from .compose import ComposeConfig, compose, compose_pair
from .sprites import SpriteBank

MAX_BOXES = 3
SPLIT_CODE = {"train": 0, "val": 1, "test": 2}
PAIR_STREAM = 10  # added to the split code: the two-class sets draw from their own seeded streams


def _torch_dataset_base():
    try:
        import torch.utils.data as tud
        return tud.Dataset
    except Exception:  # torch is optional for the eval builder
        return object


class ToyWorldDataset(_torch_dataset_base()):
    """Map-style dataset of on-the-fly composites (class-balanced: class = i mod n_classes).

    Item: dict(image uint8 tensor 3xHxW, label int, boxes float tensor MAX_BOXSx4 padded with -1,
    n_boxes int, mask uint8 tensor HxW). `as_numpy=True` gives numpy arrays instead of tensors.
    """

    def __init__(self, bank: SpriteBank, backgrounds: Backgrounds, seed: int = 0, length: int = 10000,
                 size: int = 256, cfg: ComposeConfig | None = None, classes: list[str] | None = None,
                 as_numpy: bool = False):
        self.bank = bank
        self.split = bank.split
        self.backgrounds = backgrounds
        self.seed = int(seed)
        self.epoch = 0
        self.length = int(length)
        self.size = int(size)
        self.cfg = cfg or ComposeConfig()
        self.classes = list(classes or bank.classes)
        self.drawable = [c for c in self.classes if bank[c]]
        if not self.drawable:
            raise ValueError(f"no sprites for split {self.split}")
        self.as_numpy = as_numpy

    @classmethod
    def from_disk(cls, split: str = "train", sprites_root=None, backgrounds_root=None, p_photo: float = 0.5, **kw):
        from . import backgrounds as B
        from . import sprites as S
        bank = SpriteBank.load(split, sprites_root or S.DEFAULT_ROOT)
        bgs = Backgrounds.load(split, backgrounds_root or B.DEFAULT_ROOT, p_photo=p_photo)
        return cls(bank, bgs, **kw)

    def set_epoch(self, epoch: int) -> None:
        """A different (still deterministic) stream of composites per epoch."""
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return self.length

    def sample(self, i: int) -> dict:
        rng = np.random.default_rng([self.seed, self.epoch, int(i)])
        cls = self.drawable[int(i) % len(self.drawable)]
        info: dict = {}
        rgb, boxes, mask = compose(rng, self.bank[cls], self.backgrounds, self.size, self.cfg,
                                   self.bank.others(cls), info)
        return dict(image=rgb, label=self.classes.index(cls), cls=cls, boxes=boxes, mask=mask, info=info)

    def __getitem__(self, i: int) -> dict:
        s = self.sample(i)
        boxes = np.full((MAX_BOXES, 4), -1, np.float32)
        boxes[:len(s["boxes"])] = np.asarray(s["boxes"][:MAX_BOXES], np.float32)
        out = dict(image=np.ascontiguousarray(s["image"].transpose(2, 0, 1)), label=s["label"],
                   boxes=boxes, n_boxes=len(s["boxes"]), mask=s["mask"])
        if not self.as_numpy:
            import torch
            out = {k: (torch.from_numpy(v) if isinstance(v, np.ndarray) else v) for k, v in out.items()}
        return out


# ---------------------------------------------------------------- fixed evaluation sets

def _variant(k: int) -> str:
    """Fixed share per class: 3 in 5 plain, 1 in 5 with 2-3 instances, 1 in 5 occluded."""
    return ("plain", "plain", "plain", "multi", "occluded")[k % 5]


def _png_bytes(arr: np.ndarray, mode: str) -> bytes:
    import io
    buf = io.BytesIO()
    Image.fromarray(arr, mode).save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def build_eval_set(bank: SpriteBank, backgrounds: Backgrounds, out_dir: str | Path, per_class: int,
                   seed: int = 0, size: int = 256, cfg: ComposeConfig | None = None,
                   write_masks: bool = True, log=print) -> dict:
    """Write a fixed eval set for bank.split into out_dir; returns the annotations dict.

    Per class, image k uses the k-th style in turn (round-robin over the class's styles in this
    split), its own Generator (SeedSequence([seed, split, class index, k])) and a fixed variant
    (see _variant). A class with no sprite in this split gets no image (listed in
    `classes_without_images`). Other files in out_dir/images and masks are removed.
    """
    out_dir = Path(out_dir)
    cfg = cfg or ComposeConfig()
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    if write_masks:
        (out_dir / "masks").mkdir(parents=True, exist_ok=True)
    written = set()
    images = []
    split_code = SPLIT_CODE[bank.split]
    without = []
    for ci, cls in enumerate(bank.classes):
        sprites = bank[cls]
        if not sprites:
            without.append(cls)
            continue
        for k in range(per_class):
            sprite = sprites[k % len(sprites)]
            variant = _variant(k)
            vcfg = cfg.with_(multi_instance_p=1.0 if variant == "multi" else 0.0,
                             occluder_p=1.0 if variant == "occluded" else 0.0)
            rng = np.random.default_rng([seed, split_code, ci, k])
            info: dict = {}
            # the round-robin style is the one used: all instances come from that sprite
            rgb, boxes, mask = compose(rng, [sprite], backgrounds, size, vcfg, bank.others(cls), info)
            name = f"{bank.split}_{cls}_{k:03d}"
            files = {"images": f"images/{name}.png"}
            (out_dir / files["images"]).write_bytes(_png_bytes(rgb, "RGB"))
            written.add(files["images"])
            if write_masks:
                files["masks"] = f"masks/{name}.png"
                (out_dir / files["masks"]).write_bytes(_png_bytes(mask * 255, "L"))
                written.add(files["masks"])
            used = [dict(id=x["id"], style=x.get("style"), licence=x.get("licence"))
                    for x in info["instances"]]
            used += [dict(id=o["id"], style=o.get("style"), licence=o.get("licence"), role="occluder")
                     for o in info["occluders"] if o.get("kind") == "sprite"]
            licences = sorted({u["licence"] for u in used if u["licence"]})
            bg_licence = info["background"].get("licence")
            images.append(dict(
                file=files["images"], mask=files.get("masks"), cls=cls, label=ci, boxes=boxes,
                variant=variant, multi_instance=len(boxes) > 1, occluded=bool(info["occluders"]),
                sprites=used, styles=sorted({u["style"] for u in used if u["style"]}),
                licences=licences, background_licence=bg_licence,
                share_alike=any(lic in catalog.SHARE_ALIKE_LICENCES for lic in licences)
                or "BY-SA" in (bg_licence or ""),
                background=info["background"],
                instances=info["instances"], occluders=info["occluders"],
            ))
        log(f"  {bank.split} {cls}: {per_class} images ({', '.join(sorted({s.style for s in sprites}))})")
    for sub in ("images", "masks"):
        d = out_dir / sub
        if d.exists():
            for f in d.iterdir():
                if f"{sub}/{f.name}" not in written:
                    f.unlink()
    ann = dict(
        format="wsol-lab toyworld eval v1", split=bank.split, seed=seed, size=size,
        per_class=per_class, classes=bank.classes,
        classes_without_images=without,
        box_format="[x0, y0, x1, y1] inclusive pixel coordinates, full object extent (alpha >= 8)",
        mask_format="PNG L, 255 = visible target pixel (alpha >= 8, not under an occluder)",
        config={k: v for k, v in cfg.__dict__.items()},
        counts={c: sum(1 for im in images if im["cls"] == c) for c in bank.classes},
        images=images,
    )
    text = json.dumps(ann, indent=1, sort_keys=True) + "\n"
    (out_dir / "annotations.json").write_text(text)
    ann["checksum"] = f"{zlib.crc32(text.encode()):08x}"
    return ann


def build_pair_set(bank: SpriteBank, backgrounds: Backgrounds, out_dir: str | Path, per_class: int,
                   seed: int = 0, size: int = 256, cfg: ComposeConfig | None = None, log=print,
                   named: list[str] | None = None) -> dict:
    """Write a fixed two-class set for bank.split into out_dir (e.g. data/toyworld/test-pairs).

    Every image holds one object of class A and one of a DIFFERENT class B, both from this
    split's sprites (the same style split as the single-object sets), with exact boxes and
    visible masks (`compose_pair`). Class A runs over the classes that have sprites, `per_class`
    images each; image k of class A uses A's sprites round robin, its own Generator
    (SeedSequence([seed, PAIR_STREAM + split, class index, k])), and draws B and B's sprite
    from it. Files: images/<name>.png, masks/<name>_0.png (A) and _1.png (B), annotations.json
    (format "wsol-lab toyworld pairs v1"). Rerunning gives byte-identical files.
    `named` restricts class A to those classes and draws B from the others (a new class beside
    the known ones); None (every drawable class is A in turn) is the eval sets' recipe.
    """
    out_dir = Path(out_dir)
    cfg = cfg or ComposeConfig()
    for sub in ("images", "masks"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    drawable = [c for c in bank.classes if bank[c]]
    if len(drawable) < 2:
        raise ValueError(f"split {bank.split} has fewer than two classes with sprites")
    written, images = set(), []
    for cls in (named if named is not None else drawable):
        ci = bank.classes.index(cls)
        for k in range(per_class):
            rng = np.random.default_rng([seed, PAIR_STREAM + SPLIT_CODE[bank.split], ci, k])
            others = [c for c in drawable if c != cls and (named is None or c not in named)]
            other = others[int(rng.integers(len(others)))]
            sa = bank[cls][k % len(bank[cls])]
            sb = bank[other][int(rng.integers(len(bank[other])))]
            info: dict = {}
            rgb, boxes, masks = compose_pair(rng, sa, sb, backgrounds, size, cfg, info=info)
            name = f"{bank.split}_pair_{cls}_{k:03d}"
            files = [f"images/{name}.png"] + [f"masks/{name}_{j}.png" for j in (0, 1)]
            (out_dir / files[0]).write_bytes(_png_bytes(rgb, "RGB"))
            for j in (0, 1):
                (out_dir / files[1 + j]).write_bytes(_png_bytes(masks[j] * 255, "L"))
            written.update(files)
            objects = [dict(cls=c, label=bank.classes.index(c), box=boxes[j], mask=files[1 + j],
                            sprite=dict(id=s.id, style=s.style, licence=s.licence))
                       for j, (c, s) in enumerate(((cls, sa), (other, sb)))]
            licences = sorted({s.licence for s in (sa, sb)})
            bg_licence = info["background"].get("licence")
            images.append(dict(
                file=files[0], objects=objects, styles=sorted({sa.style, sb.style}), licences=licences,
                background=info["background"], background_licence=bg_licence, drawn_first=info["drawn_first"],
                instances=info["instances"],
                share_alike=any(lic in catalog.SHARE_ALIKE_LICENCES for lic in licences) or "BY-SA" in (bg_licence or ""),
            ))
        log(f"  {bank.split} pairs {cls}: {per_class} images")
    for sub in ("images", "masks"):
        for f in (out_dir / sub).iterdir():
            if f"{sub}/{f.name}" not in written:
                f.unlink()
    ann = dict(
        format="wsol-lab toyworld pairs v1", split=bank.split, seed=seed, size=size, per_class=per_class,
        classes=bank.classes, classes_without_images=[c for c in bank.classes if c not in drawable],
        box_format="[x0, y0, x1, y1] inclusive pixel coordinates, full object extent (alpha >= 8)",
        mask_format="PNG L, 255 = visible pixel of that object (alpha >= 8, not under the other object)",
        config={k: v for k, v in cfg.__dict__.items()}, images=images,
    )
    text = json.dumps(ann, indent=1, sort_keys=True) + "\n"
    (out_dir / "annotations.json").write_text(text)
    ann["checksum"] = f"{zlib.crc32(text.encode()):08x}"
    return ann
