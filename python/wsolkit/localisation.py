"""What training monitors and the evaluation share: eval-set items and GT-known localisation.

- eval sets: a folder of images plus labels → `Item`s (RGB composited on white);
- GenPromp's TS-CAM-style box scoring of a set of maps (`MapSet`: GT-known Loc at τ,
  the best τ of a grid, MaxBoxAccV2 with wsolevaluation's BoxEvaluator);
- `quick_localisation`, the UNet stages' training-time signal.

Training stages import this module, never wsolkit.evaluate.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import torch

from . import genpromp as gp
from . import paths
from .metrics import cal_iou, wsol_box_evaluator
from .models.unet import attention_output_name
from .scheduler import alphas_cumprod

TAU_GRID = [round(0.05 * i, 2) for i in range(1, 20)]


# ---------------------------------------------------------------- eval sets
@dataclass
class Item:
    file: Path
    cls: str
    boxes: list  # inclusive [x0, y0, x1, y1] in original pixels
    rgb: np.ndarray = field(repr=False, default=None)  # uint8 [H, W, 3] composited on white


def load_items(images_dir: Path, labels: list[dict], class_names: list[str]) -> list[Item]:
    items = []
    for i, it in enumerate(labels):
        cls = it.get("class", it.get("cls"))
        if cls not in class_names:
            raise SystemExit(f"labels entry {i} ({it.get('file')}): class {cls!r} is not one of the pack's classes {class_names}")
        path = images_dir / it["file"]
        if not path.exists():
            raise SystemExit(f"labels entry {i}: {path} does not exist")
        boxes = it.get("boxes") or []
        for b in boxes:
            if len(b) != 4 or b[2] < b[0] or b[3] < b[1]:
                raise SystemExit(f"labels entry {i} ({it['file']}): box {b} is not [x0, y0, x1, y1] with x0 ≤ x1, y0 ≤ y1")
        items.append(Item(path, cls, [list(map(float, b)) for b in boxes], gp.composite(gp.load_rgba(path))))
    return items


def toyworld_split(split: str, class_names: list[str]) -> list[Item]:
    d = paths.EVAL_SETS / split
    if not (d / "annotations.json").exists():
        raise SystemExit(f"{d}/annotations.json is missing: build the eval sets (README → Toy world)")
    return load_items(d, json.loads((d / "annotations.json").read_text())["images"], class_names)


@dataclass
class PairItem(Item):
    """One object of a two-class image (data/toyworld/<split>-pairs): `cls` and `boxes` are the named
    object's, `mask` its visible pixels; `other_*` describe the object of the other class."""
    mask: np.ndarray = field(repr=False, default=None)  # bool [H, W]
    other_cls: str = ""
    other_boxes: list = field(default_factory=list)
    other_mask: np.ndarray = field(repr=False, default=None)


def toyworld_pairs(split: str, class_names: list[str], root: Path | None = None) -> list[PairItem]:
    """The two-class set of a split as two PairItems per image (each class named once), image order.
    `root`: the folder holding `<split>-pairs` (default: the pack's evaluation sets)."""
    from PIL import Image

    d = (root or paths.EVAL_SETS) / f"{split}-pairs"
    if not (d / "annotations.json").exists():
        raise SystemExit(f"{d}/annotations.json is missing: build it (python/scripts/toyworld_build_eval.py)")
    out = []
    for im in json.loads((d / "annotations.json").read_text())["images"]:
        rgb = gp.composite(gp.load_rgba(d / im["file"]))
        objs = im["objects"]
        masks = [np.asarray(Image.open(d / o["mask"])) > 0 for o in objs]
        for j in (0, 1):
            o, x = objs[j], objs[1 - j]
            if o["cls"] not in class_names:
                raise SystemExit(f"{d}: class {o['cls']!r} is not one of the pack's classes")
            out.append(PairItem(d / im["file"], o["cls"], [list(map(float, o["box"]))], rgb, masks[j], x["cls"],
                                [list(map(float, x["box"]))], masks[1 - j]))
    return out


def peak_in_mask(cam: np.ndarray, mask: np.ndarray) -> bool:
    """Whether the map's maximum (bilinear to the mask's size, first argmax) lies on the mask."""
    h, w = mask.shape
    m = cv2.resize(cam.astype(np.float32), (w, h))
    return bool(mask.flat[int(np.argmax(m))])


def subsample(items: list, limit: int | None) -> list:
    """Every k-th item (all classes stay represented), for quick looks; None keeps all."""
    return items if not limit or limit >= len(items) else items[:: -(-len(items) // limit)]


# ---------------------------------------------------------------- box scoring
def frame_gt(boxes, hw, size):
    """GT boxes in the size² frame, GenPromp's convention (scaleGtBox 'genpromp')."""
    h, w = hw
    return [[int(max(b[0] / w * size, 0)), int(max(b[1] / h * size, 0)), int(min(b[2] / w * size, size - 1)), int(min(b[3] / h * size, size - 1))] for b in boxes]


def best_iou(box, gts):
    ious = [cal_iou(box, g) for g in gts]
    j = int(np.argmax(ious))
    return ious[j], j


def wsol_scoremap(cam: np.ndarray) -> np.ndarray:
    """wsolevaluation: cubic to 224², min-max (constant → zeros)."""
    m = cv2.resize(cam.astype(np.float32), (224, 224), interpolation=cv2.INTER_CUBIC)
    lo, hi = m.min(), m.max()
    return (m - lo) / (hi - lo) if hi > lo else np.zeros_like(m)


def wsol_gt(boxes, hw):
    h, w = hw
    return [[int(b[0] * 224 / w), int(b[1] * 224 / h), int(b[2] * 224 / w), int(b[3] * 224 / h)] for b in boxes]


@dataclass
class MapSet:
    """Maps of one method/configuration for a list of items (GT-class maps, any resolution)."""
    name: str
    maps: list  # float32 [h, w] per item

    def iou_at(self, items, size, tau) -> list[tuple[float, int, list]]:
        out = []
        for m, it in zip(self.maps, items):
            box = gp.localize(m, (size, size), tau, "largest")[0]
            iou, j = best_iou(box, frame_gt(it.boxes, it.rgb.shape[:2], size))
            out.append((iou, j, box))
        return out

    def gt_known(self, items, size, tau) -> float:
        return 100 * float(np.mean([iou >= 0.5 for iou, _, _ in self.iou_at(items, size, tau)]))

    def best_tau(self, items, size) -> tuple[float, float]:
        scores = [(self.gt_known(items, size, t), t) for t in TAU_GRID]
        best = max(s for s, _ in scores)
        return next(t for s, t in scores if s == best), best  # the smallest τ among ties

    def max_box_acc_v2(self, items) -> float:
        return wsol_box_evaluator([wsol_scoremap(m) for m in self.maps], [wsol_gt(it.boxes, it.rgb.shape[:2]) for it in items], 0.01, [30, 50, 70], True)["mean"]


# ---------------------------------------------------------------- training monitor
@torch.no_grad()
def class_maps(vae, text, unet, spec, classes, scaling, items, named: list[str], lam=0.0, concept_rows=None,
               timesteps=(0, 99)) -> list[np.ndarray]:
    """GenPromp maps (resolutions 8+16, 7 templates, class token at index 5) of items[i] for
    class named[i] at `timesteps`, at 128²."""
    from .pack import PROMPT_TEMPLATES
    from .train.text import concept_token

    x = torch.cat([gp.to_model_input(gp.resize_pil_bicubic(it.rgb, (128, 128))) for it in items])
    mean, _ = vae.encode(x)
    z = (mean * scaling).numpy()
    conds = []
    for cls in named:
        ci = classes.index(cls)
        row = concept_rows[ci] if concept_rows is not None else text.token_embedding.weight[spec.tokenizer.token_to_id(cls)]
        f_d, f_r = gp.text_embeddings(text, spec, PROMPT_TEMPLATES, cls, concept_token(cls), row)
        conds.append(gp.mix(f_d, f_r, lam))
    was_training = unet.training
    unet.eval()
    # GenPromp reads the class token at index 5 ("a photo of a <class>" after BOS); noise seed 1234 as the packs.
    raw = gp.attention_maps_batch(unet, z, tuple(timesteps), torch.cat(conds), 5, 1234, alphas_cumprod())
    unet.train(was_training)
    layers = [(attention_output_name(k, b, l), k, r) for k, b, l, r, _ in unet.attention_layers()]
    return [gp.aggregate({t: {n: v[i] for n, v in raw[t].items()} for t in raw}, list(timesteps), [8, 16], layers, z.shape[-2:]) for i in range(len(items))]


def _best_gt_known(maps, items) -> tuple[float, float]:
    ms = MapSet("monitor", maps)
    return max((ms.gt_known(items, 128, tau), tau) for tau in (0.15, 0.25, 0.35, 0.5))


@torch.no_grad()
def quick_localisation(vae, text, unet, spec, classes, scaling, lam=0.0, concept_rows=None, n_per_class=2, selectivity=False,
                       timesteps=(0, 99)) -> dict:
    """A training-time signal, not a result: GT-known Loc of class-token maps (best τ of a
    coarse grid) on a few validation images. With `selectivity`, also the same images' maps
    for a seeded wrong class (a class-agnostic map scores as well) and selective GT-known on
    30 validation two-class images (both classes named in turn)."""
    items, taken = [], {}
    for it in toyworld_split("val", classes):
        if taken.get(it.cls, 0) < n_per_class:
            taken[it.cls] = taken.get(it.cls, 0) + 1
            items.append(it)
    maps = class_maps(vae, text, unet, spec, classes, scaling, items, [it.cls for it in items], lam, concept_rows, timesteps)
    score, tau = _best_gt_known(maps, items)
    out = {"monitor_val_gt_known": round(score, 1), "monitor_tau": tau, "monitor_images": len(items)}
    if selectivity:
        rng = np.random.default_rng(0)
        wrong = [classes[(classes.index(it.cls) + 1 + int(rng.integers(len(classes) - 1))) % len(classes)] for it in items]
        wmaps = class_maps(vae, text, unet, spec, classes, scaling, items, wrong, lam, concept_rows, timesteps)
        out["monitor_wrong_class_gt_known"] = round(MapSet("wrong", wmaps).gt_known(items, 128, tau), 1)
        pairs = subsample(toyworld_pairs("val", classes), 60)
        pmaps = class_maps(vae, text, unet, spec, classes, scaling, pairs, [p.cls for p in pairs], lam, concept_rows, timesteps)
        out["monitor_pair_selective"] = round(_best_gt_known(pmaps, pairs)[0], 1)
        out["monitor_pair_peak_own"] = round(100 * float(np.mean([peak_in_mask(m, p.mask) for m, p in zip(pmaps, pairs)])), 1)
    return out
