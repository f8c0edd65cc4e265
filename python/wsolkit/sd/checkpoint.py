"""GenPromp's released checkpoint format.

- tokens/{id}.bin: torch.save of {concept-token string: FloatTensor[E]} — the learned
  *input-embedding* row (E = 768 for SD 1.x), one file per class (`{id}` is the token id;
  the class is the k of "<imagenet-k>" / "<cub-k>" in the key, which is what is used here);
- unet/: a diffusers save_pretrained folder (config.json + diffusion_pytorch_model.bin) that
  replaces SD's UNet (the stage-2 finetuned one).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import torch

TOKEN_RE = re.compile(r"^<([a-z0-9_]+)-(\d+)>$")


def concept_rows(tokens_dir: Path, classes: list[dict], base_rows: np.ndarray) -> tuple[np.ndarray, int]:
    """Rows [C, E] for the classes' concept tokens: the checkpoint's where it has one, else base_rows' → (rows, count found)."""
    rows = np.array(base_rows, dtype=np.float32, copy=True)
    index = {c["conceptToken"]: i for i, c in enumerate(classes)}
    found = 0
    for f in sorted(tokens_dir.glob("*.bin")):
        for token, row in torch.load(f, map_location="cpu").items():
            if not TOKEN_RE.match(token):
                raise ValueError(f"{f}: key {token!r} is not a concept token like <imagenet-0>")
            if token not in index:
                raise ValueError(f"{f}: {token} is not a concept token of this class list")
            row = row.detach().float().numpy().reshape(-1)
            if row.shape[0] != rows.shape[1]:
                raise ValueError(f"{f}: {token} has {row.shape[0]} values, the text encoder's embeddings have {rows.shape[1]}")
            rows[index[token]] = row
            found += 1
    return rows, found


def load_unet(folder: Path):
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel.from_pretrained(str(folder)).eval()
