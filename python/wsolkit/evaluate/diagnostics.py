"""Diagnostics: does a map follow the class it is asked for, and does λ change anything?

`python -m wsolkit.evaluate --diagnostics --label NAME [--json FILE] [--write-doc]`

- **Wrong-class control.** Single-object test images (no second instance), GT-known Loc with
  the true class and with a seeded random wrong class, both scored against the true box at the
  method's τ chosen on validation (true class, GT-known). A map that ignores the class scores
  the same with the wrong class; MaxBoxAccV2 (τ-free) is given for both as well.
- **Two-class split** (data/toyworld/{val,test}-pairs: one object each of two different classes
  per image). For each image and each of its two classes, the map of that class: *selective
  GT-known* = IoU ≥ 0.5 with that class's box only (τ chosen on val-pairs by this score);
  *other box* = the share of those boxes that hit the other object's box instead; *peak in own
  mask* / *peak in other mask* = the share of maps whose maximum lies on the visible pixels of
  the named / the other object.
- **λ effect** (GenPromp). GT-known per λ on test (τ per λ on validation); the mean absolute
  difference between the max-normalised maps at λ = 0 and λ = 1 (per image, mean over the
  map's cells, then over images); the share of test images whose box at λ = 0 and at λ = 1
  (each at its validated τ) overlap with IoU < 0.8.
"""
from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import numpy as np

from .. import genpromp as gp
from ..localisation import MapSet, PairItem, frame_gt, peak_in_mask, subsample, toyworld_pairs, toyworld_split
from ..metrics import cal_iou
from .reference import Reference, cam_maps, genpromp_maps, genpromp_raw

LAMBDAS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
BOX_CHANGE_IOU = 0.8


def wrong_classes(labels: list[int], n_classes: int, seed: int = 0) -> list[int]:
    """A uniformly drawn class ≠ the true one for every label (numpy Generator seeded with `seed`)."""
    rng = np.random.default_rng(seed)
    out = []
    for y in labels:
        k = int(rng.integers(n_classes - 1))
        out.append(k + (k >= y))
    return out


def selective_report(ms: MapSet, items: list[PairItem], size: int, tau: float) -> dict:
    """Two-class scores of the maps of `items` (each map is of its item's named class)."""
    own = other = peak_own = peak_other = 0
    for m, it in zip(ms.maps, items):
        box = gp.localize(m, (size, size), tau, "largest")[0]
        hw = it.rgb.shape[:2]
        own += cal_iou(box, frame_gt(it.boxes, hw, size)[0]) >= 0.5
        other += cal_iou(box, frame_gt(it.other_boxes, hw, size)[0]) >= 0.5
        peak_own += peak_in_mask(m, it.mask)
        peak_other += peak_in_mask(m, it.other_mask)
    n = len(items)
    return {"tau": tau, "selective_gt_known": round(100 * own / n, 2), "other_box": round(100 * other / n, 2),
            "peak_in_own_mask": round(100 * peak_own / n, 2), "peak_in_other_mask": round(100 * peak_other / n, 2), "maps": n}


def best_selective_tau(ms: MapSet, items, size, grid=None) -> tuple[float, float]:
    from ..localisation import TAU_GRID
    scores = [(selective_report(ms, items, size, t)["selective_gt_known"], t) for t in (grid or TAU_GRID)]
    best = max(s for s, _ in scores)
    return next(t for s, t in scores if s == best), best


def lambda_change(maps0: list, maps1: list, tau0: float, tau1: float, size: int) -> dict:
    """Mean |m0/max − m1/max| over cells and images, and the share of images whose boxes (each at
    its own τ) overlap with IoU < BOX_CHANGE_IOU."""
    diffs, changed = [], 0
    for a, b in zip(maps0, maps1):
        a = a / a.max() if a.max() > 0 else a
        b = b / b.max() if b.max() > 0 else b
        diffs.append(float(np.abs(a - b).mean()))
        ba = gp.localize(a, (size, size), tau0, "largest")[0]
        bb = gp.localize(b, (size, size), tau1, "largest")[0]
        changed += cal_iou(ba, bb) < BOX_CHANGE_IOU
    return {"mean_abs_map_diff": round(float(np.mean(diffs)), 4), "box_changed": round(100 * changed / len(maps0), 2), "images": len(maps0)}


def run_diagnostics(ref: Reference, label: str, limit: int | None = None, seed: int = 0, lambdas=LAMBDAS,
                    methods=("genpromp", "cam"), log=print) -> dict:
    t0 = time.time()
    val, test = subsample(toyworld_split("val", ref.classes), limit), subsample(toyworld_split("test", ref.classes), limit)
    val_pairs = subsample(toyworld_pairs("val", ref.classes), limit)
    test_pairs = subsample(toyworld_pairs("test", ref.classes), limit)
    s = ref.settings
    ts, rs, lam_default = s["timesteps"], s["resolutions"], s["lambda"]
    cache: dict = {}

    def maps(method: str, items: list, key: str, lam: float | None = None) -> MapSet:
        k = (method, key, lam)
        if k not in cache:
            log(f"  {method} {key}{'' if lam is None else f' λ={lam}'} ({len(items)} maps)")
            if method == "genpromp":
                cache[k] = genpromp_maps(ref, genpromp_raw(ref, items, lam_default if lam is None else lam, ts), len(items), ts, rs, "GenPromp")
            else:
                cache[k] = cam_maps(ref, items)
        return cache[k]

    report: dict = {"label": label, "settings": {"lambda": lam_default, "timesteps": ts, "resolutions": rs, "seed": seed}}

    # wrong-class control
    single_idx = [i for i, it in enumerate(test) if len(it.boxes) == 1]
    single = [test[i] for i in single_idx]
    wrong = wrong_classes([ref.classes.index(it.cls) for it in single], len(ref.classes), seed)
    single_wrong = [dataclasses.replace(it, cls=ref.classes[w]) for it, w in zip(single, wrong)]
    rows = {}
    for method in methods:
        tau, val_score = maps(method, val, "val").best_tau(val, ref.size)
        mt = MapSet(method, [maps(method, test, "test").maps[i] for i in single_idx])  # the true class: the test maps
        mw = maps(method, single_wrong, "single-wrong")
        rows[method] = {"tau": tau, "val_gt_known": round(val_score, 2), "gt_known_true": round(mt.gt_known(single, ref.size, tau), 2),
                        "gt_known_wrong": round(mw.gt_known(single, ref.size, tau), 2),
                        "max_box_acc_v2_true": round(mt.max_box_acc_v2(single), 2), "max_box_acc_v2_wrong": round(mw.max_box_acc_v2(single), 2),
                        "images": len(single)}
        log(f"  wrong-class {method}: {rows[method]}")
    report["wrong_class"] = rows

    # two-class split
    rows = {}
    for method in methods:
        tau, _ = best_selective_tau(maps(method, val_pairs, "val-pairs"), val_pairs, ref.size)
        rows[method] = {"val": selective_report(maps(method, val_pairs, "val-pairs"), val_pairs, ref.size, tau),
                        "test": selective_report(maps(method, test_pairs, "test-pairs"), test_pairs, ref.size, tau)}
        log(f"  two-class {method}: {rows[method]['test']}")
    report["two_class"] = rows

    # λ effect (GenPromp)
    if "genpromp" in methods:
        sweep = []
        for lam in lambdas:
            key_lam = None if lam == lam_default else lam
            tau, val_score = maps("genpromp", val, "val", key_lam).best_tau(val, ref.size)
            gk = maps("genpromp", test, "test", key_lam).gt_known(test, ref.size, tau)
            sweep.append({"lambda": lam, "tau": tau, "val_gt_known": round(val_score, 2), "gt_known": round(gk, 2)})
        by = {r["lambda"]: r for r in sweep}
        lo, hi = min(lambdas), max(lambdas)
        m0 = maps("genpromp", test, "test", None if lo == lam_default else lo).maps
        m1 = maps("genpromp", test, "test", None if hi == lam_default else hi).maps
        report["lambda"] = {"sweep": sweep, "ends": [lo, hi], **lambda_change(m0, m1, by[lo]["tau"], by[hi]["tau"], ref.size)}
        log(f"  λ: {report['lambda']}")
    report["seconds"] = round(time.time() - t0, 1)
    return report


# ---------------------------------------------------------------- report
BEGIN, END = "<!-- diagnostics:begin (python -m wsolkit.evaluate --diagnostics --write-doc) -->", "<!-- diagnostics:end -->"
NAMES = {"genpromp": "GenPromp", "cam": "CAM"}


def diagnostics_markdown(reports: list[dict]) -> str:
    out = ["**Wrong-class control** (single-object test images; τ from validation, true class)", "",
           "| run | method | τ (val) | GT-known, true class | GT-known, wrong class | MaxBoxAccV2 true | MaxBoxAccV2 wrong | images |",
           "|---|---|---|---|---|---|---|---|"]
    for r in reports:
        for k, x in r.get("wrong_class", {}).items():
            out.append(f"| {r['label']} | {NAMES.get(k, k)} | {x['tau']} | {x['gt_known_true']} | {x['gt_known_wrong']} | "
                       f"{x['max_box_acc_v2_true']} | {x['max_box_acc_v2_wrong']} | {x['images']} |")
    out += ["", "**Two-class split** (test-pairs: every image holds two objects of different classes; each class's map, "
            "τ chosen on val-pairs by selective GT-known)", "",
            "| run | method | τ (val-pairs) | selective GT-known | other object's box | peak in own mask | peak in other's mask | maps |",
            "|---|---|---|---|---|---|---|---|"]
    for r in reports:
        for k, x in r.get("two_class", {}).items():
            t = x["test"]
            out.append(f"| {r['label']} | {NAMES.get(k, k)} | {t['tau']} | {t['selective_gt_known']} | {t['other_box']} | "
                       f"{t['peak_in_own_mask']} | {t['peak_in_other_mask']} | {t['maps']} |")
    lams = sorted({x["lambda"] for r in reports if "lambda" in r for x in r["lambda"]["sweep"]})
    if lams:
        out += ["", "**λ effect** (GenPromp, test GT-known per λ at each λ's validated τ; map difference and box changes "
                f"between λ = {lams[0]} and λ = {lams[-1]})", "",
                "| run | " + " | ".join(f"λ={x}" for x in lams) + " | mean abs. map difference | boxes changed (IoU < 0.8) |",
                "|---|" + "---|" * len(lams) + "---|---|"]
        for r in reports:
            if "lambda" in r:
                by = {x["lambda"]: x["gt_known"] for x in r["lambda"]["sweep"]}
                lr = r["lambda"]
                out.append(f"| {r['label']} | " + " | ".join(str(by.get(x, "—")) for x in lams) +
                           f" | {lr['mean_abs_map_diff']} | {lr['box_changed']} % |")
    return "\n".join(out)


def write_diagnostics_doc(markdown: str, doc: Path) -> None:
    text = doc.read_text()
    if BEGIN not in text:
        text = text.rstrip("\n") + f"\n\n## Diagnostics\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    doc.write_text(head + BEGIN + "\n" + markdown + "\n" + END + rest.split(END, 1)[1])


def merge_reports(path: Path | None, report: dict) -> list[dict]:
    """The stored reports (a JSON list, one per label) with `report` replacing the one of its label."""
    stored = json.loads(path.read_text()) if path and path.exists() else []
    out = [r for r in stored if r["label"] != report["label"]]
    return [*out, report] if len(out) == len(stored) else [report if r["label"] == report["label"] else r for r in stored]
