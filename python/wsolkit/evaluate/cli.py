"""Reference evaluation of a pack in PyTorch: classification, localisation, ablations.

    cd python && ../.venv/bin/python -m wsolkit.evaluate                       # toy-world test split, default settings
    cd python && ../.venv/bin/python -m wsolkit.evaluate --ablations --write-doc  # every table in docs/results-toyworld.md
    cd python && ../.venv/bin/python -m wsolkit.evaluate --diagnostics --label NAME --json ../docs/results/toyworld-diagnostics.json --write-doc
    cd python && ../.venv/bin/python -m wsolkit.evaluate --images DIR --labels labels.json [--threshold 0.3]

A pack's ONNX models (what the app runs) over an ImageNet-, CUB- or custom-layout folder,
data-parallel through accelerate (docs/evaluate-at-scale.md; formats in wsolkit/evaluate/datasets.py):
    python -m wsolkit.evaluate --pack PACK --dataset imagenet --root ROOT --out RUN_DIR
    python -m torch.distributed.run --standalone --nproc_per_node 4 --redirects 1 --tee 1 \
        -m wsolkit.evaluate --pack PACK --dataset cub --root CUB_200_2011 --out RUN_DIR   # 4 CPU processes (torchrun)
    python -m wsolkit.evaluate --pack PACK --dataset custom --images DIR --labels labels.json

Metrics as wsolkit/metrics.py (see wsolkit/evaluate/report.py):
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
from pathlib import Path

import torch

from .. import paths
from .reference import Reference
from .report import markdown_tables, run_custom, run_toyworld, select_on_validation, update_baselines, write_doc


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m wsolkit.evaluate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", type=Path, default=paths.CHECKPOINT)
    ap.add_argument("--pack", type=Path, default=paths.PACK_DIR, help="pack folder (manifest, tokenizer)")
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
    ap.add_argument("--diagnostics", action="store_true", help="wrong-class control, two-class split, λ effect (wsolkit/evaluate/diagnostics.py); "
                    "--json is then a list of runs, this run replacing the one with the same --label; --write-doc rewrites the doc's Diagnostics section")
    ap.add_argument("--label", default="pack", help="the run's name in the diagnostics tables")
    ap.add_argument("--seed", type=int, default=0, help="seed of the wrong classes (--diagnostics)")
    ap.add_argument("--methods", default="genpromp,cam", help="methods for --diagnostics and --dataset (comma list of genpromp, cam)")
    ap.add_argument("--classifier", type=Path, help="a classifier stage checkpoint to use instead of the pack's (e.g. python/checkpoints/toyworld/classifier_lite0.pt)")
    ap.add_argument("--lpcam", type=Path, help="LPCAM prototypes (python -m wsolkit.train.lpcam --out …) for --classifier")
    ap.add_argument("--classifier-report", action="store_true", help="only the classifier: top-1/top-5 and the CAM and LPCAM rows (with and without context), τ on validation")
    ap.add_argument("--threads", type=int, help="torch (and, with --dataset, onnxruntime) threads per process (default 2; 1 with --dataset)")
    pe = ap.add_argument_group("pack evaluation (--dataset): the pack's ONNX models under onnxruntime, GenPromp's protocol")
    pe.add_argument("--dataset", choices=("imagenet", "cub", "custom"), help="folder layout (custom: --images/--labels)")
    pe.add_argument("--root", type=Path, help="dataset root (imagenet: holds ILSVRC2012_list/ and val/; cub: CUB_200_2011/)")
    pe.add_argument("--list", type=Path, help="imagenet: another val_folder_new.txt-format list")
    pe.add_argument("--image-dir", type=Path, help="imagenet: images folder (default ROOT/val)")
    pe.add_argument("--scores", type=Path, help="precomputed classification {name: {pred_scores: [...]}} instead of the pack's classifier")
    pe.add_argument("--out", type=Path, help="run folder: per-image JSONL (resumable), per_image.jsonl sorted, report.json")
    pe.add_argument("--eval-mode", choices=("top1", "gtk"), default="top1", help="top1 (GenPromp's default): also the top-1 class map; gtk: GT map only")
    pe.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto", help="onnxruntime CUDA EP when available (auto)")
    pe.add_argument("--precision", default="fp32", help="model variant precision (fp32, fp16, int8 where the pack has them)")
    pe.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    if args.dataset:
        from .pack_eval import main_pack_eval

        return main_pack_eval(args)
    torch.set_num_threads(args.threads or 2)
    if args.tables_from:
        write_doc(markdown_tables(json.loads(args.tables_from.read_text())), paths.ROOT / "docs/results-toyworld.md")
        return
    if not args.checkpoint.exists():
        raise SystemExit(f"{args.checkpoint} is missing: build the pack (python/scripts/build_toyworld_pack.py)")
    ref = Reference(args.checkpoint, args.pack, args.classifier, args.lpcam)
    if args.classifier_report:
        from .report import classifier_report

        report = classifier_report(ref)
        print(json.dumps(report, indent=2))
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=2) + "\n")
        return
    if args.diagnostics:
        from .diagnostics import diagnostics_markdown, merge_reports, run_diagnostics, write_diagnostics_doc

        report = run_diagnostics(ref, args.label, args.limit, args.seed, methods=tuple(args.methods.split(",")))
        runs = merge_reports(args.json, report)
        print(diagnostics_markdown(runs))
        if args.write_doc:
            write_diagnostics_doc(diagnostics_markdown(runs), paths.ROOT / "docs/results-toyworld.md")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(runs, indent=2) + "\n")
        return
    if args.select_on_val:
        report = select_on_validation(ref)
        print(json.dumps(report, indent=2))
    elif args.baselines_only:
        report = update_baselines(ref, json.loads(args.baselines_only.read_text()))
        tables = markdown_tables(report)
        print(tables)
        if args.write_doc:
            write_doc(tables, paths.ROOT / "docs/results-toyworld.md")
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
            write_doc(tables, paths.ROOT / "docs/results-toyworld.md")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")

