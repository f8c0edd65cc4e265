"""Evaluation runs and their report: τ on validation, metrics on test, ablations, markdown tables.

Metrics as wsolkit/metrics.py: Top-1/Top-5 Cls; GT-known, Top-1 and Top-5 Loc with
GenPromp's TS-CAM evaluator; MaxBoxAccV2 with wsolevaluation's BoxEvaluator; error
shares Cls/Right/M-Ins/Part/More/Wrong of the top-1 prediction (as GenPromp's badcase
analysis).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from .. import baselines as bl
from ..localisation import MapSet, frame_gt, load_items, subsample, toyworld_split
from ..metrics import badcase_detail
from .reference import Reference, cam_maps, classify, genpromp_maps, genpromp_raw, lpcam_maps, sat_block_maps

ERROR_KINDS = ("Cls", "Right", "M-Ins", "Part", "More", "Wrong")


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


def classifier_report(ref: Reference, log=print) -> dict:
    """The classifier alone: top-1/top-5 on val and test, CAM (with and without ReLU) and LPCAM (with and
    without context subtraction, when prototypes are loaded), τ on validation, metrics on test."""
    t0 = time.time()
    val, test = toyworld_split("val", ref.classes), toyworld_split("test", ref.classes)
    top5_test, cls_test = classify(ref, test)
    _, cls_val = classify(ref, val)
    log(f"  classification: test {cls_test}, val {cls_val}")
    rows = {"cam": evaluate_config(ref, val, test, top5_test, lambda items: cam_maps(ref, items), "CAM"),
            "cam_no_relu": evaluate_config(ref, val, test, top5_test, lambda items: cam_maps(ref, items, relu=False), "CAM, no ReLU")}
    if ref.lpcam_data is not None:
        rows["lpcam"] = evaluate_config(ref, val, test, top5_test, lambda items: lpcam_maps(ref, items), "LPCAM (class − context)")
        rows["lpcam_no_context"] = evaluate_config(ref, val, test, top5_test, lambda items: lpcam_maps(ref, items, False), "LPCAM, no context subtraction")
    for r in rows.values():
        log(f"  {r['name']}: τ {r['tau']} (val {r['val_gt_known']}), test GT-known {r['gt_known']}, MaxBoxAccV2 {r['max_box_acc_v2']}")
    return {"classifier": ref.classifier_name, "input_size": ref.clf_size, "classification": {"test": cls_test, "val": cls_val},
            "rows": rows, "seconds": round(time.time() - t0, 1)}


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

