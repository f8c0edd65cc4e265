"""Reference evaluation of a pack in PyTorch: classification, localisation, ablations.

    cd python && ../.venv/bin/python -m wsolkit.evaluate                       # toy-world test split, default settings
    cd python && ../.venv/bin/python -m wsolkit.evaluate --ablations --write-doc  # every table in docs/results-toyworld.md
    cd python && ../.venv/bin/python -m wsolkit.evaluate --images DIR --labels labels.json [--threshold 0.3]

Metrics exactly as metrics.md (wsolkit/metrics.py):
- Top-1/Top-5 Cls; GT-known, Top-1 and Top-5 Loc with GenPromp's TS-CAM evaluator
  (map bilinear to the 128² model frame, min-max, > int(τ·255), largest contour,
  GT boxes scaled the GenPromp way; GT-known IoU ≥ 0.5, Top-k > 0.5);
- MaxBoxAccV2 with wsolevaluation's BoxEvaluator (map cubic to 224², min-max,
  τ grid 0.01, all contours, δ ∈ {0.3, 0.5, 0.7});
- error shares Cls/Right/M-Ins/Part/More/Wrong of the top-1 prediction.
τ for the Loc metrics is chosen on the validation split (EmojiOne 1 styles), never on test.

Custom data (`--images/--labels`): a folder of images and a JSON file
    {"images": [{"file": "a.png", "class": "dog", "boxes": [[x0, y0, x1, y1], ...]}, ...]}
with paths relative to the folder, class names from the pack (`manifest.json` → classes[].name)
and boxes as inclusive pixel indices of the original image. τ defaults to the pack's
threshold (chosen on toy-world validation) unless --threshold is given.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import torch

from . import baselines as bl
from . import genpromp as gp
from . import noise as noise_mod
from .metrics import badcase_detail, cal_iou, wsol_box_evaluator
from .models.unet import attention_output_name
from .scheduler import alphas_cumprod

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "public/models/toyworld"
CHECKPOINT = ROOT / "python/checkpoints/toyworld.pt"
TAU_GRID = [round(0.05 * i, 2) for i in range(1, 20)]
ERROR_KINDS = ("Cls", "Right", "M-Ins", "Part", "More", "Wrong")


# ---------------------------------------------------------------- data
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
    d = ROOT / "data/toyworld" / split
    if not (d / "annotations.json").exists():
        raise SystemExit(f"{d}/annotations.json is missing: build the eval sets (README → Toy world)")
    return load_items(d, json.loads((d / "annotations.json").read_text())["images"], class_names)


# ---------------------------------------------------------------- the reference model
class Reference:
    """GenPromp inference over batches, numerically the per-image reference in genpromp.py."""

    def __init__(self, checkpoint: Path = CHECKPOINT, pack_dir: Path = PACK_DIR):
        from tokenizers import Tokenizer

        from .checkpoint import _cfg, models_from
        from .models import UNet, UNetConfig

        self.manifest = json.loads((pack_dir / "manifest.json").read_text())
        m = self.manifest
        ck = torch.load(checkpoint, map_location="cpu")
        self.vae, self.text, self.unet, self.classifier, self.concept_rows = models_from(ck)
        self.sat = None
        if "sat" in ck["state"]:
            from .models import SAT, SATConfig

            self.sat = SAT(_cfg(SATConfig, ck["configs"]["sat"]))
            self.sat.load_state_dict(ck["state"]["sat"])
            self.sat.eval()
        self.lpcam_data = ck.get("lpcam")  # {"settings", "prototypes": [{"class": [n, K], "context": [m, K]}]}
        self.unet_base = None
        if "unet_base" in ck["state"]:  # before stage-2 finetuning, for the ablation
            self.unet_base = UNet(_cfg(UNetConfig, ck["configs"]["unet"]))
            self.unet_base.load_state_dict(ck["state"]["unet_base"])
            self.unet_base.eval()
        tok = m["tokenizer"]
        self.spec = gp.TokenizerSpec(Tokenizer.from_file(str(pack_dir / tok["file"]["path"])), tok["contextLength"], tok["bosId"], tok["eosId"], tok["padId"])
        self.classes = [c["name"] for c in m["classes"]]
        self.meta = [c["metaToken"] for c in m["classes"]]
        self.concepts = [c["conceptToken"] for c in m["classes"]]
        self.settings = m["genpromp"]
        self.size = m["preprocess"]["size"][0]
        self.clf_size = m["classifierPreprocess"]["size"][0]
        self.clf_mean, self.clf_std = m["classifierPreprocess"]["mean"], m["classifierPreprocess"]["std"]
        self.scaling = m["vae"]["scalingFactor"]
        self.latent_hw = tuple(m["vae"]["latentSize"])
        self.layers = [(a["output"], a["block"], a["resolution"]) for a in m["unetAttention"]]
        self.templates = m["promptTemplates"]
        self.acp = alphas_cumprod(m["scheduler"]["betaStart"], m["scheduler"]["betaEnd"], m["scheduler"]["numTrainTimesteps"])
        self._text_cache: dict = {}

    # --- per-image inputs
    def model_input(self, items: list[Item]) -> torch.Tensor:
        return torch.cat([gp.to_model_input(gp.resize_pil_bicubic(it.rgb, (self.size, self.size))) for it in items])

    def classifier_input(self, items: list[Item]) -> torch.Tensor:
        """The classifier's (and SAT's) input [B, 3, s, s], normalised."""
        return torch.cat([gp.to_classifier_input(gp.resize_pil_bicubic(it.rgb, (self.clf_size, self.clf_size)), self.clf_mean, self.clf_std) for it in items])

    @torch.no_grad()
    def logits(self, items: list[Item]) -> torch.Tensor:
        return self.classifier(self.classifier_input(items))[0]

    @torch.no_grad()
    def features(self, items: list[Item]) -> np.ndarray:
        """The classifier's last feature map [B, K, h, w] (CAM and LPCAM)."""
        return self.classifier(self.classifier_input(items))[1].numpy()

    def cam(self, items: list[Item], class_idx: list[int], relu=True) -> list[np.ndarray]:
        """CAM (baselines.cam): ReLU(mean_k w_ck·f_k) → [h, w] per item."""
        w = self.classifier.head.weight.detach().numpy()
        return [bl.cam(f, w, c, relu) for f, c in zip(self.features(items), class_idx)]

    def lpcam(self, items: list[Item], class_idx: list[int], subtract_context=True) -> list[np.ndarray]:
        if self.lpcam_data is None:
            raise SystemExit("the checkpoint has no LPCAM prototypes: run `python -m wsolkit.train.lpcam` and rebuild the pack")
        protos = self.lpcam_data["prototypes"]
        return [bl.lpcam(f, np.asarray(protos[c]["class"]), np.asarray(protos[c]["context"]), subtract_context)
                for f, c in zip(self.features(items), class_idx)]

    @torch.no_grad()
    def sat_outputs(self, items: list[Item]) -> tuple[torch.Tensor, np.ndarray]:
        """SAT's (logits [B, C], block maps [B, n_blocks, g, g])."""
        if self.sat is None:
            raise SystemExit("the checkpoint has no SAT: run `python -m wsolkit.train.sat` and rebuild the pack")
        logits, maps = self.sat(self.classifier_input(items))
        return logits, maps.numpy()

    @torch.no_grad()
    def latents(self, x: torch.Tensor) -> np.ndarray:
        """Posterior sample with the pack's seeded ε (the same for every image, as the app) × scaling."""
        mean, logvar = self.vae.encode(x)
        mean, logvar = mean.numpy(), logvar.numpy()
        if self.settings["latentSampling"] == "mean":
            z = mean
        else:
            eps = noise_mod.gaussian(noise_mod.posterior_seed(self.settings["noiseSeed"]), mean[0].size).reshape(mean.shape[1:])
            z = mean + np.exp(np.float32(0.5) * logvar) * eps[None]
        return (z * np.float32(self.scaling)).astype(np.float32)

    def text_states(self, ensemble=True) -> tuple[torch.Tensor, torch.Tensor]:
        """(f_d, f_r) for every class → [C, L, D] each; ensemble=False uses the first template only."""
        if ensemble not in self._text_cache:
            templates = self.templates if ensemble else self.templates[:1]
            fd, fr = zip(*[gp.text_embeddings(self.text, self.spec, templates, self.meta[i], self.concepts[i], self.concept_rows[i]) for i in range(len(self.classes))])
            self._text_cache[ensemble] = (torch.cat(fd), torch.cat(fr))
        return self._text_cache[ensemble]

    def raw_maps(self, z: np.ndarray, cond: torch.Tensor, timesteps, unet=None) -> dict:
        """→ {t: {output: float32 [B, r²]}}: class-token attention of every attn2 layer."""
        return gp.attention_maps_batch(unet or self.unet, z, timesteps, cond, self.settings["tokenPosition"], self.settings["noiseSeed"], self.acp)


# ---------------------------------------------------------------- localisation + metrics
def aggregate_one(raw: dict, i: int, timesteps, resolutions, ref: Reference) -> np.ndarray:
    return gp.aggregate({t: {n: v[i] for n, v in raw[t].items()} for t in timesteps}, timesteps, resolutions, ref.layers, ref.latent_hw)


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


def loc_report(ms: MapSet, items, size, tau, top5: list[list[int]], class_names) -> dict:
    res = ms.iou_at(items, size, tau)
    gt_idx = [class_names.index(it.cls) for it in items]
    errors = {k: 0 for k in ERROR_KINDS}
    top1_loc = top5_loc = 0
    for (iou, j, box), it, g, t5 in zip(res, items, gt_idx, top5):
        top1_loc += t5[0] == g and iou > 0.5
        top5_loc += g in t5 and iou > 0.5
        gts = frame_gt(it.boxes, it.rgb.shape[:2], size)
        errors[badcase_detail(t5[0], box, gts, g, iou, j)] += 1
    n = len(items)
    return {"tau": tau, "gt_known": round(100 * np.mean([r[0] >= 0.5 for r in res]), 2), "top1_loc": round(100 * top1_loc / n, 2),
            "top5_loc": round(100 * top5_loc / n, 2), "max_box_acc_v2": round(ms.max_box_acc_v2(items), 2),
            "errors": {k: round(100 * v / n, 2) for k, v in errors.items()}}


# ---------------------------------------------------------------- runs
def batches(items, n=64):
    for i in range(0, len(items), n):
        yield items[i : i + n]


def classify(ref: Reference, items) -> tuple[list[list[int]], dict]:
    logits = torch.cat([ref.logits(b) for b in batches(items)])
    top5 = logits.topk(5, dim=1).indices.tolist()
    gt = [ref.classes.index(it.cls) for it in items]
    return top5, {"top1": round(100 * np.mean([t[0] == g for t, g in zip(top5, gt)]), 2),
                  "top5": round(100 * np.mean([g in t for t, g in zip(top5, gt)]), 2), "images": len(items)}


def genpromp_raw(ref: Reference, items, lam: float, timesteps, unet=None, ensemble=True, log=print) -> dict:
    """Raw GT-class attention maps for every item: {t: {output: [N, r²]}}."""
    f_d, f_r = ref.text_states(ensemble)
    out: dict = {t: {} for t in timesteps}
    for k, b in enumerate(batches(items)):
        gt = torch.tensor([ref.classes.index(it.cls) for it in b])
        cond = gp.mix(f_d[gt], f_r[gt], lam)
        raw = ref.raw_maps(ref.latents(ref.model_input(b)), cond, timesteps, unet)
        for t in timesteps:
            for n, v in raw[t].items():
                out[t].setdefault(n, []).append(v)
    return {t: {n: np.concatenate(v) for n, v in d.items()} for t, d in out.items()}


def genpromp_maps(ref: Reference, raw: dict, n: int, timesteps, resolutions, name: str) -> MapSet:
    return MapSet(name, [aggregate_one(raw, i, timesteps, resolutions, ref) for i in range(n)])


def cam_maps(ref: Reference, items, relu=True) -> MapSet:
    maps = []
    for b in batches(items):
        maps += ref.cam(b, [ref.classes.index(it.cls) for it in b], relu)
    return MapSet("CAM", maps)


def lpcam_maps(ref: Reference, items, subtract_context=True) -> MapSet:
    maps = []
    for b in batches(items):
        maps += ref.lpcam(b, [ref.classes.index(it.cls) for it in b], subtract_context)
    return MapSet("LPCAM", maps)


def sat_block_maps(ref: Reference, items) -> tuple[np.ndarray, list[list[int]]]:
    """SAT's block maps [N, n_blocks, g, g] and its own top-5 for every item."""
    maps, top5 = [], []
    for b in batches(items):
        logits, m = ref.sat_outputs(b)
        maps.append(m)
        top5 += logits.topk(5, dim=1).indices.tolist()
    return np.concatenate(maps), top5


def sat_cls_report(top5, items, classes) -> dict:
    gt = [classes.index(it.cls) for it in items]
    return {"top1": round(100 * np.mean([t[0] == g for t, g in zip(top5, gt)]), 2), "top5": round(100 * np.mean([g in t for t, g in zip(top5, gt)]), 2)}


def baseline_rows(ref: Reference, val, test, top5_test, ablations: bool, log=print) -> tuple[dict, list]:
    """CAM, LPCAM and SAT: τ on validation, metrics on test. SAT's Top-1/Top-5 Loc use SAT's own
    classification (it is a classifier too, as in its paper); CAM's and LPCAM's use the toy-world classifier."""
    rows = {"cam": evaluate_config(ref, val, test, top5_test, lambda items: cam_maps(ref, items), "CAM (classifier)")}
    extra = [evaluate_config(ref, val, test, top5_test, lambda items: cam_maps(ref, items, relu=False), "CAM, no ReLU (wsolevaluation's signed map)")] if ablations else []
    if ref.lpcam_data is not None:
        rows["lpcam"] = evaluate_config(ref, val, test, top5_test, lambda items: lpcam_maps(ref, items), "LPCAM (class − context prototypes)")
        if ablations:
            extra.append(evaluate_config(ref, val, test, top5_test, lambda items: lpcam_maps(ref, items, False), "LPCAM, no context subtraction"))
    if ref.sat is not None:
        sat_val, _ = sat_block_maps(ref, val)
        sat_test, sat_top5 = sat_block_maps(ref, test)
        cls = sat_cls_report(sat_top5, test, ref.classes)
        log(f"  SAT classification on test: {cls}")

        def sat_row(block, name):
            def make(items):
                src = sat_val if items is val else sat_test
                return MapSet(name, [bl.sat_map(m, block) for m in src])
            return evaluate_config(ref, val, test, sat_top5, make, name)
        rows["sat"] = sat_row(None, f"SAT (mean of the last {sat_test.shape[1]} blocks; own top-1 {cls['top1']} %)") | {"classification": cls}
        if ablations:
            first = ref.sat.cfg.depth - ref.sat.cfg.sqa_blocks
            extra += [sat_row(i, f"SAT, block {first + i + 1} only") for i in range(sat_test.shape[1])]
    return rows, extra


def evaluate_config(ref, val, test, top5_test, make_maps, name) -> dict:
    """τ on validation (best GT-known Loc), every metric on test."""
    mv, mt = make_maps(val), make_maps(test)
    tau, val_gt_known = mv.best_tau(val, ref.size)
    return {"name": name, "val_gt_known": round(val_gt_known, 2), **loc_report(mt, test, ref.size, tau, top5_test, ref.classes)}


def subsample(items: list, limit: int | None) -> list:
    """Every k-th item (all classes stay represented), for quick looks; None keeps all."""
    return items if not limit or limit >= len(items) else items[:: -(-len(items) // limit)]


def run_toyworld(ref: Reference, ablations: bool, limit: int | None = None, log=print) -> dict:
    t0 = time.time()
    val, test = subsample(toyworld_split("val", ref.classes), limit), subsample(toyworld_split("test", ref.classes), limit)
    top5_test, cls_test = classify(ref, test)
    _, cls_val = classify(ref, val)
    s = ref.settings
    ts_default, res_default, lam_default = s["timesteps"], s["resolutions"], s["lambda"]
    all_ts = sorted({0, 99, 199, 499, 999} | set(ts_default))
    report = {"classification": {"test": cls_test, "val": cls_val}, "settings": {k: s[k] for k in ("lambda", "timesteps", "resolutions", "threshold")}}

    raw_cache: dict = {}

    def raw(split_items, key, lam, ts, unet=None, ensemble=True):
        k = (key, lam, tuple(ts), unet is not None, ensemble)
        if k not in raw_cache:
            log(f"  UNet: {key} λ={lam} t={ts}{' base' if unet is not None else ''}{'' if ensemble else ' 1-template'} ({len(split_items)} images)")
            raw_cache[k] = genpromp_raw(ref, split_items, lam, ts, unet, ensemble)
        return raw_cache[k]

    def gp_config(lam, ts, res, unet=None, ensemble=True, name=""):
        # Only the default configuration needs every timestep (for the timestep table); one UNet
        # pass serves all its timestep subsets, since maps are cached per (t, layer).
        default = unet is None and ensemble and lam == lam_default
        ts_run = all_ts if default else ts_default if set(ts) <= set(ts_default) else ts

        def make(items):
            key = "val" if items is val else "test"
            return genpromp_maps(ref, raw(items, key, lam, ts_run, unet, ensemble), len(items), ts, res, name)
        return evaluate_config(ref, val, test, top5_test, make, name)

    rows = {"genpromp": gp_config(lam_default, ts_default, res_default, name=f"GenPromp (λ={lam_default}, t={ts_default}, r={res_default})")}
    baselines, baseline_extra = baseline_rows(ref, val, test, top5_test, ablations, log)
    rows |= baselines
    report["main"] = rows
    log(f"main table done in {time.time() - t0:.0f} s")
    if ablations:
        ab: dict = {}
        ab["lambda"] = [gp_config(lam, ts_default, res_default, name=f"λ={lam}") for lam in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)]
        if ref.unet_base is not None:
            ab["finetune"] = [gp_config(lam, ts_default, res_default, unet=ref.unet_base, name=f"no finetune, λ={lam}") for lam in dict.fromkeys((0.0, 1.0, lam_default))]
        ab["timesteps"] = [gp_config(lam_default, ts, res_default, name=f"t={ts}") for ts in ([0], [99], [0, 99], [0, 99, 199], [499], [999])]
        resolutions = sorted({r for _, _, r in ref.layers})
        combos = [[r] for r in resolutions] + [[a, b] for i, a in enumerate(resolutions) for b in resolutions[i + 1 :]] + [resolutions]
        ab["resolutions"] = [gp_config(lam_default, ts_default, rs, name=f"r={rs}") for rs in combos]
        ab["ensemble"] = [gp_config(lam_default, ts_default, res_default, ensemble=False, name="1 template"), rows["genpromp"] | {"name": "7 templates"}]
        ab["baselines"] = [x for k, x in rows.items() if k in ("lpcam", "sat")] + baseline_extra
        report["ablations"] = ab
    report["seconds"] = round(time.time() - t0, 1)
    return report


def update_baselines(ref: Reference, report: dict, log=print) -> dict:
    """Recompute only the baseline rows (main table and their ablation table) of a saved report.
    GenPromp's rows do not depend on the baselines, so a new baseline costs minutes, not the
    26 of a full `--ablations` run; the full run regenerates the same numbers."""
    t0 = time.time()
    val, test = toyworld_split("val", ref.classes), toyworld_split("test", ref.classes)
    top5_test, _ = classify(ref, test)
    rows, extra = baseline_rows(ref, val, test, top5_test, True, log)
    report["main"] = {"genpromp": report["main"]["genpromp"], **rows}
    report.setdefault("ablations", {})["baselines"] = [x for k, x in rows.items() if k in ("lpcam", "sat")] + extra
    log(f"baseline rows done in {time.time() - t0:.0f} s")
    return report


def select_on_validation(ref: Reference, lambdas=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), log=print) -> dict:
    """The pack's default λ and τ: best GT-known Loc on the validation split (default t and resolutions)."""
    val = toyworld_split("val", ref.classes)
    ts, rs = ref.settings["timesteps"], ref.settings["resolutions"]
    rows = []
    for lam in lambdas:
        tau, score = genpromp_maps(ref, genpromp_raw(ref, val, lam, ts), len(val), ts, rs, "").best_tau(val, ref.size)
        rows.append({"lambda": lam, "tau": tau, "val_gt_known": round(score, 2)})
        log(f"  λ={lam}: val GT-known {score:.2f} at τ={tau}")
    best = max(rows, key=lambda r: r["val_gt_known"])
    return {"lambda": best["lambda"], "threshold": best["tau"], "sweep": rows}


def run_custom(ref: Reference, images: Path, labels: Path, tau: float | None) -> dict:
    spec = json.loads(labels.read_text())
    if "images" not in spec or not isinstance(spec["images"], list):
        raise SystemExit(f"{labels}: expected {{\"images\": [{{\"file\", \"class\", \"boxes\"}}, ...]}}")
    items = load_items(images, spec["images"], ref.classes)
    with_boxes = [it for it in items if it.boxes]
    top5, cls = classify(ref, items)
    s = ref.settings
    tau = s["threshold"] if tau is None else tau
    out = {"classification": cls, "images": len(items), "with_boxes": len(with_boxes), "tau": tau}
    if with_boxes:
        top5_b = [t for t, it in zip(top5, items) if it.boxes]
        raw = genpromp_raw(ref, with_boxes, s["lambda"], s["timesteps"])
        out["genpromp"] = loc_report(genpromp_maps(ref, raw, len(with_boxes), s["timesteps"], s["resolutions"], "GenPromp"), with_boxes, ref.size, tau, top5_b, ref.classes)
        out["cam"] = loc_report(cam_maps(ref, with_boxes), with_boxes, ref.size, tau, top5_b, ref.classes)
        if ref.lpcam_data is not None:
            out["lpcam"] = loc_report(lpcam_maps(ref, with_boxes), with_boxes, ref.size, tau, top5_b, ref.classes)
        if ref.sat is not None:
            sat_maps, sat_top5 = sat_block_maps(ref, with_boxes)
            out["sat"] = loc_report(MapSet("SAT", [bl.sat_map(m) for m in sat_maps]), with_boxes, ref.size, tau, sat_top5, ref.classes)
    return out


# ---------------------------------------------------------------- training monitor
@torch.no_grad()
def quick_localisation(vae, text, unet, spec, classes, scaling, lam=0.0, concept_rows=None, n_per_class=2) -> dict:
    """A training-time signal, not a result: GT-known Loc of class-token maps (t {0, 99},
    resolutions 8+16, best τ of a coarse grid) on a few validation images."""
    from .pack import PROMPT_TEMPLATES
    from .train.text import concept_token

    items, taken = [], {}
    for it in toyworld_split("val", classes):
        if taken.get(it.cls, 0) < n_per_class:
            taken[it.cls] = taken.get(it.cls, 0) + 1
            items.append(it)
    x = torch.cat([gp.to_model_input(gp.resize_pil_bicubic(it.rgb, (128, 128))) for it in items])
    mean, _ = vae.encode(x)
    z = (mean * scaling).numpy()
    conds = []
    for it in items:
        ci = classes.index(it.cls)
        row = concept_rows[ci] if concept_rows is not None else text.token_embedding.weight[spec.tokenizer.token_to_id(it.cls)]
        f_d, f_r = gp.text_embeddings(text, spec, PROMPT_TEMPLATES, it.cls, concept_token(it.cls), row)
        conds.append(gp.mix(f_d, f_r, lam))
    was_training = unet.training
    unet.eval()
    raw = gp.attention_maps_batch(unet, z, (0, 99), torch.cat(conds), 5, 1234, alphas_cumprod())
    unet.train(was_training)
    layers = [(attention_output_name(k, b, l), k, r) for k, b, l, r, _ in unet.attention_layers()]
    maps = [gp.aggregate({t: {n: v[i] for n, v in raw[t].items()} for t in raw}, [0, 99], [8, 16], layers, z.shape[-2:]) for i in range(len(items))]
    ms = MapSet("monitor", maps)
    best = max((ms.gt_known(items, 128, tau), tau) for tau in (0.15, 0.25, 0.35, 0.5))
    return {"monitor_val_gt_known": round(best[0], 1), "monitor_tau": best[1], "monitor_images": len(items)}


# ---------------------------------------------------------------- report
def markdown_tables(r: dict) -> str:
    c = r["classification"]
    lines = [f"Classifier on the test styles: **top-1 {c['test']['top1']} %**, top-5 {c['test']['top5']} % ({c['test']['images']} images); "
             f"validation styles: top-1 {c['val']['top1']} %, top-5 {c['val']['top5']} %.", ""]

    def table(rows, title):
        out = [f"**{title}**", "", "| configuration | τ (val) | GT-known Loc | Top-1 Loc | Top-5 Loc | MaxBoxAccV2 | M-Ins | Part | More | Wrong |",
               "|---|---|---|---|---|---|---|---|---|---|"]
        for x in rows:
            e = x["errors"]
            out.append(f"| {x['name']} | {x['tau']} | {x['gt_known']} | {x['top1_loc']} | {x['top5_loc']} | {x['max_box_acc_v2']} | {e['M-Ins']} | {e['Part']} | {e['More']} | {e['Wrong']} |")
        return out + [""]

    lines += table(list(r["main"].values()), "Main table (test styles)")
    titles = {"lambda": "λ (f_d only = 0, f_r only = 1)", "finetune": "Stage-2 finetuning off (compare the λ rows above, finetuned)",
              "timesteps": "Timesteps", "resolutions": "Attention resolutions", "ensemble": "Prompt-template ensemble",
              "baselines": "Baselines' own parameters (CAM's ReLU, LPCAM's context subtraction, SAT's blocks)"}
    for k, rows in r.get("ablations", {}).items():
        unique = list({x["name"]: x for x in rows}.values())  # reports made before the finetune rows were de-duplicated
        lines += table(unique, titles[k])
    return "\n".join(lines)


def write_doc(tables: str, doc: Path) -> None:
    begin, end = "<!-- tables:begin (python -m wsolkit.evaluate --ablations --write-doc) -->", "<!-- tables:end -->"
    text = doc.read_text() if doc.exists() else f"# Toy-world results\n\n{begin}\n{end}\n"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    doc.write_text(head + begin + "\n" + tables + "\n" + end + rest.split(end, 1)[1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", type=Path, default=CHECKPOINT)
    ap.add_argument("--pack", type=Path, default=PACK_DIR, help="pack folder (manifest, tokenizer)")
    ap.add_argument("--ablations", action="store_true", help="λ, finetuning, timesteps, resolutions and template tables")
    ap.add_argument("--images", type=Path, help="evaluate a folder of your own images instead of the toy-world test split")
    ap.add_argument("--labels", type=Path, help="JSON with classes and boxes for --images (format above)")
    ap.add_argument("--threshold", type=float, help="τ for --images (default: the pack's)")
    ap.add_argument("--json", type=Path, help="write the full report here")
    ap.add_argument("--write-doc", action="store_true", help="replace the tables in docs/results-toyworld.md")
    ap.add_argument("--tables-from", type=Path, help="only rewrite the doc's tables from a saved --json report (no models run)")
    ap.add_argument("--limit", type=int, help="at most this many images per split (every k-th; a quick look, not a result)")
    ap.add_argument("--select-on-val", action="store_true", help="only choose the pack's default λ and τ on validation (print JSON)")
    ap.add_argument("--baselines-only", type=Path, metavar="REPORT", help="recompute only the CAM/LPCAM/SAT rows of a saved --json report (then --json/--write-doc as usual)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.tables_from:
        write_doc(markdown_tables(json.loads(args.tables_from.read_text())), ROOT / "docs/results-toyworld.md")
        return
    if not args.checkpoint.exists():
        raise SystemExit(f"{args.checkpoint} is missing: build the pack (python/scripts/build_toyworld_pack.py)")
    ref = Reference(args.checkpoint, args.pack)
    if args.select_on_val:
        report = select_on_validation(ref)
        print(json.dumps(report, indent=2))
    elif args.baselines_only:
        report = update_baselines(ref, json.loads(args.baselines_only.read_text()))
        tables = markdown_tables(report)
        print(tables)
        if args.write_doc:
            write_doc(tables, ROOT / "docs/results-toyworld.md")
    elif args.images or args.labels:
        if not (args.images and args.labels):
            raise SystemExit("--images and --labels go together")
        report = run_custom(ref, args.images, args.labels, args.threshold)
        print(json.dumps(report, indent=2))
    else:
        report = run_toyworld(ref, args.ablations, args.limit)
        tables = markdown_tables(report)
        print(tables)
        if args.write_doc:
            write_doc(tables, ROOT / "docs/results-toyworld.md")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
