"""Reference evaluation of a pack in PyTorch (`python -m wsolkit.evaluate --help`).

- wsolkit/localisation.py: eval sets (`Item`, `load_items`, `toyworld_split`) and box scoring (`MapSet`), shared with training;
- reference.py: the batched reference model and each method's maps;
- report.py: runs (τ on validation, metrics on test, ablations) and the markdown tables;
- cli.py: the command line;
- pack evaluation at scale (`--dataset`, docs/evaluate-at-scale.md): pack_runner.py runs a pack's ONNX
  models as the app does, datasets.py reads ImageNet/CUB/custom folders, pack_eval.py makes per-image
  records and metrics, parallel.py spreads images over accelerate processes.
"""
from .. import paths
from ..localisation import TAU_GRID, Item, MapSet, best_iou, frame_gt, load_items, subsample, toyworld_split, wsol_gt, wsol_scoremap
from .reference import Reference, aggregate_one, batches, cam_maps, classify, genpromp_maps, genpromp_raw, lpcam_maps, sat_block_maps
from .report import (
                        ERROR_KINDS,
                        baseline_rows,
                        evaluate_config,
                        loc_report,
                        markdown_tables,
                        run_custom,
                        run_toyworld,
                        sat_cls_report,
                        select_on_validation,
                        update_baselines,
                        write_doc,
)

ROOT, CHECKPOINT, PACK_DIR = paths.ROOT, paths.CHECKPOINT, paths.PACK_DIR

__all__ = ["CHECKPOINT", "ERROR_KINDS", "PACK_DIR", "ROOT", "TAU_GRID", "Item", "MapSet", "Reference", "aggregate_one", "baseline_rows",
           "batches", "best_iou", "cam_maps", "classify", "evaluate_config", "frame_gt", "genpromp_maps", "genpromp_raw", "load_items",
           "loc_report", "lpcam_maps", "markdown_tables", "run_custom", "run_toyworld", "sat_block_maps", "sat_cls_report",
           "select_on_validation", "subsample", "toyworld_split", "update_baselines", "write_doc", "wsol_gt", "wsol_scoremap"]
