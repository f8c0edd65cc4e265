"""Where wsolkit reads and writes by default (repository-relative).

Modules read these attributes at call time (`paths.STAGES`, not a copied name), so a
test can point every stage at a temporary folder by setting them (monkeypatch).
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGES = Path(os.environ.get("WSOL_STAGES", ROOT / "python/checkpoints/toyworld"))  # one final checkpoint (+ JSON summary) per training stage; WSOL_STAGES: an experiment's own folder
CHECKPOINT = ROOT / "python/checkpoints/toyworld.pt"  # every toy-world model in one file (build_toyworld_pack.py)
PACK_DIR = ROOT / "public/models/toyworld"
TRAIN_CACHE = ROOT / "data/cache/train"  # cached training composites and VAE latents (gitignored)
EVAL_SETS = ROOT / "data/toyworld"  # the fixed val/test sets (python/scripts/toyworld_build_eval.py)
RUNS = ROOT / "python/runs"  # resumable run folders
