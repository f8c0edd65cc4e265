"""GenPromp's evaluation protocol on a pack's ONNX models: per-image records, then the metrics.

Per image (`evaluate_image`, independent of every other image):
- classification: top-5 of the pack classifier's softmax, or of precomputed `pred_scores`
  (GenPromp evaluates with EfficientNet-B7 score files); order by score, ties by index;
- GenPromp's map for the GT class (the "gtk" map) and, in eval mode "top1" (GenPromp's
  default), for the top-1 class when it differs; the pack's λ, timesteps and resolutions;
- CAM's map for the same classes when the pack has baselines.cam;
- each GT-class map scored with GenPromp's TS-CAM evaluator in the model frame
  (preprocess.size, 512² for Stable Diffusion): bilinear to the frame, min-max, uint8,
  pixels > int(τ·255), largest contour's box [x, y, x+w, y+h]; GT boxes scaled to the frame
  and truncated (x1, y1 ≥ 0; x2, y2 ≤ size − 1); IoU with inclusive areas, max over GT boxes;
- MaxBoxAccV2's per-image part (wsolevaluation's BoxEvaluator): map bicubic to 224², min-max,
  τ ∈ {0, 0.01, …, 0.99}, every contour's box; per δ ∈ {30, 50, 70} a 0/1 string over τ.

Metrics (`summarize`, over records sorted by image index; integer counts, then percentages):
- Top-1/Top-5 Cls;
- GT-known Loc: IoU ≥ 0.5 on the GT-class map; Top-1 Loc: top-1 = GT and IoU > 0.5;
  Top-5 Loc: GT in the top 5 and IoU > 0.5 (GenPromp's strict > for Top-k);
- MaxBoxAccV2: mean over δ of max over τ of the share of images whose best box has IoU ≥ δ;
- error shares Cls/Right/M-Ins/Part/More/Wrong of the top-1 prediction (TS-CAM's badcase rules).
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import torch

from .. import genpromp as gp
from ..localisation import best_iou, frame_gt, wsol_gt, wsol_scoremap
from ..metrics import badcase_detail, wsol_box_evaluator
from .datasets import Sample
from .pack_runner import PackRunner
from .report import ERROR_KINDS

V2_DELTAS = (30, 50, 70)
V2_INTERVAL = 0.01
METHODS = ("genpromp", "cam")


def top5_of(scores) -> list[int]:
    return [int(i) for i in np.argsort(-np.asarray(scores, np.float64), kind="stable")[:5]]


def score_map(cam: np.ndarray, boxes: list, hw, size: int, tau: float) -> dict:
    """One GT-class map: TS-CAM box at τ with its IoU, and MaxBoxAccV2's 0/1 rows."""
    box = gp.localize(cam, (size, size), tau, "largest")[0]
    iou, j = best_iou(box, frame_gt(boxes, hw, size))
    v2 = wsol_box_evaluator([wsol_scoremap(cam)], [wsol_gt(boxes, hw)], V2_INTERVAL, list(V2_DELTAS), True)["numCorrect"]
    return {"box": box, "iou": iou, "gt_index": j, "v2": ["".join(str(int(v)) for v in row) for row in v2]}


def evaluate_image(runner: PackRunner, s: Sample, tau: float, methods=METHODS, eval_mode="top1", scores=None) -> dict:
    """Everything the metrics need about one image, JSON-ready."""
    rgb = runner.load(s.path)
    hw = rgb.shape[:2]
    size = runner.size[0]
    need_classifier = scores is None or ("cam" in methods and runner.cam_feature)
    probs, features = runner.classify(rgb) if need_classifier else (None, None)
    top5 = top5_of(probs if scores is None else scores)
    rec = {"index": s.index, "key": s.key, "label": s.label, "hw": list(hw), "top5": top5, "gt_boxes": frame_gt(s.boxes, hw, size)}
    top1 = top5[0]

    def method(make_map):
        r = score_map(make_map(s.label), s.boxes, hw, size, tau)
        if eval_mode == "top1":
            box = r["box"] if top1 == s.label else gp.localize(make_map(top1), (size, size), tau, "largest")[0]
            r["top1"] = {"class": top1, "box": box}
        return r

    if "genpromp" in methods:
        z = runner.latent(rgb)
        rec["genpromp"] = method(lambda c: runner.genpromp_map(z, c))
    if "cam" in methods and features is not None:
        rec["cam"] = method(lambda c: runner.cam_map(features, c))
    return rec


def summarize(records: list[dict]) -> dict:
    """Metrics of records sorted by index (counts exact, percentages rounded to 2 decimals)."""
    n = len(records)
    pct = lambda k: round(100 * k / n, 2) if n else None  # noqa: E731
    top1 = sum(r["top5"][0] == r["label"] for r in records)
    top5 = sum(r["label"] in r["top5"] for r in records)
    out = {"images": n, "classification": {"top1": pct(top1), "top5": pct(top5), "counts": {"top1": top1, "top5": top5}}}
    if not n:
        return out
    for m in METHODS:
        rs = [r for r in records if m in r]
        if not rs:
            continue
        if len(rs) != n:
            raise SystemExit(f"{m}: {n - len(rs)} of {n} records lack it (mixed runs in one folder?)")
        gtk = sum(r[m]["iou"] >= 0.5 for r in records)
        t1 = sum(r["top5"][0] == r["label"] and r[m]["iou"] > 0.5 for r in records)
        t5 = sum(r["label"] in r["top5"] and r[m]["iou"] > 0.5 for r in records)
        errors = {k: 0 for k in ERROR_KINDS}
        for r in records:
            errors[badcase_detail(r["top5"][0], r[m]["box"], r["gt_boxes"], r["label"], r[m]["iou"], r[m]["gt_index"])] += 1
        correct = np.array([[[c == "1" for c in row] for row in r[m]["v2"]] for r in records]).sum(axis=0)  # [δ, τ]
        per_delta = {str(d): {"max_box_acc": round(100 * float(correct[i].max()) / n, 2), "best_tau": round(V2_INTERVAL * int(correct[i].argmax()), 2)}
                     for i, d in enumerate(V2_DELTAS)}
        out[m] = {"gt_known": pct(gtk), "top1_loc": pct(t1), "top5_loc": pct(t5),
                  "max_box_acc_v2": round(float(np.mean([100 * float(c.max()) / n for c in correct])), 2), "max_box_acc_v2_per_delta": per_delta,
                  "errors": {k: pct(v) for k, v in errors.items()}, "counts": {"gt_known": gtk, "top1_loc": t1, "top5_loc": t5, "errors": errors}}
    return out


# ---------------------------------------------------------------- command line (cli.py --dataset)
def load_samples(args, classes: list[str]) -> list[Sample]:
    from . import datasets as ds

    if args.dataset == "imagenet":
        if not args.root and not args.list:
            raise SystemExit("--dataset imagenet needs --root (or --list and --image-dir)")
        return ds.imagenet(args.root or Path("."), len(classes), args.list, args.image_dir)
    if args.dataset == "cub":
        if not args.root:
            raise SystemExit("--dataset cub needs --root (the CUB_200_2011 folder)")
        return ds.cub(args.root, len(classes))
    if not (args.images and args.labels):
        raise SystemExit("--dataset custom needs --images DIR and --labels labels.json")
    return ds.custom(args.images, args.labels, classes)


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main_pack_eval(args) -> dict | None:
    """`python -m wsolkit.evaluate --pack P --dataset …`: → the report on the main process, None elsewhere."""
    from ..localisation import subsample
    from . import datasets as ds
    from . import parallel as par
    from .pack_runner import cuda_available

    t0 = time.time()
    device = args.device if args.device != "auto" else ("cuda" if cuda_available() and torch.cuda.is_available() else "cpu")
    threads = args.threads or 1
    torch.set_num_threads(threads)
    acc = par.accelerator(cpu=device == "cpu" or not torch.cuda.is_available())
    runner = PackRunner(args.pack, device, acc.local_process_index if device == "cuda" else 0, threads, args.precision)
    samples = subsample(load_samples(args, runner.classes), args.limit)
    tau = runner.g["threshold"] if args.threshold is None else args.threshold
    scores = ds.load_scores(args.scores, samples, len(runner.classes)) if args.scores else None
    methods = tuple(m for m in args.methods.split(",") if m in METHODS and (m != "cam" or runner.cam_feature))
    config = {"pack": runner.manifest["id"], "manifest_sha256": sha256(Path(args.pack) / "manifest.json"), "precision": args.precision,
              "device": device, "dataset": args.dataset, "frame": list(runner.size), "tau": tau, "eval_mode": args.eval_mode,
              "methods": list(methods), "lambda": runner.g["lambda"], "timesteps": runner.g["timesteps"],
              "resolutions": runner.g["resolutions"], "scores": sha256(args.scores) if args.scores else None}
    if args.out:
        par.check_config(args.out, config, acc.is_main_process)
        acc.wait_for_everyone()

    def work(s):
        return evaluate_image(runner, s, tau, methods, args.eval_mode, scores[s.key] if scores else None)

    records = par.run_sharded(acc, samples, work, args.out, progress=not args.no_progress)
    report = None
    if acc.is_main_process:
        report = {"config": config, **summarize(records),
                  "run": {"processes": acc.num_processes, "seconds": round(time.time() - t0, 1), "device": device}}
        if args.out:
            (args.out / "per_image.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
            (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps({k: v for k, v in report.items() if k != "config"}, indent=2))
    par.finish(acc)
    return report
