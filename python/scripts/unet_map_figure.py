"""Figure: a UNet's GenPromp maps (f_d only, t {0, 99}) on 6 single-object and 8 two-class validation images.

    cd python && WSOL_STAGES=<stages folder> ../.venv/bin/python scripts/unet_map_figure.py <unet stage .pt> <out.png>

Columns: the image, the map for its (named) class, the map for a wrong class (class index + 7).
A class-selective UNet lights a different object, or nothing, in the third column.
"""
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from wsolkit.checkpoint import load_stage
from wsolkit.localisation import class_maps, toyworld_pairs, toyworld_split
from wsolkit.train import text as words

torch.set_num_threads(1)
vae, vae_ck = load_stage("vae")
text, _ = load_stage("text_encoder")
unet, _ = load_stage("unet", Path(sys.argv[1]))
spec = words.build_spec()
classes = list(words.CLASS_NAMES)
items = toyworld_split("val", classes)[::60][:6] + toyworld_pairs("val", classes)[:16:2]
named = [it.cls for it in items]
wrong = [classes[(classes.index(c) + 7) % len(classes)] for c in named]
scaling = vae_ck["config"]["scaling_factor"]
true_maps = class_maps(vae, text, unet, spec, classes, scaling, items, named)
wrong_maps = class_maps(vae, text, unet, spec, classes, scaling, items, wrong)


def grey(m: np.ndarray) -> np.ndarray:
    """A map, min-max normalised and resized to 128² → RGB uint8 [128, 128, 3]."""
    m = (m - m.min()) / (m.max() - m.min() + 1e-8)
    g = np.asarray(Image.fromarray((m * 255).astype(np.uint8)).resize((128, 128), Image.BILINEAR))
    return np.stack([g, g, g], -1)


rows = [np.concatenate([np.asarray(Image.fromarray(it.rgb).resize((128, 128))), grey(a), grey(b)], 1)
        for it, a, b in zip(items, true_maps, wrong_maps)]
Image.fromarray(np.concatenate(rows, 0)).save(sys.argv[2])
print([(it.cls, getattr(it, "other_cls", ""), w) for it, w in zip(items, wrong)])
