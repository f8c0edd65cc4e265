#!/usr/bin/env python3
"""Goldens for the classroom lab's maths (TypeScript parity tests in src/shared):

- lab_tau_curve.json: one image's IoU-vs-τ curve (τ = np.arange(0, 1, 0.01)) for float32
  min-max maps, under the largest-contour (TS-CAM) and all-contour (wsolevaluation V2) rules;
- lab_sanity_maps.json: centre-Gaussian maps and Sobel-edge maps of RGB images (wsolkit.sanity).

Run: PYTHONPATH=python .venv/bin/python python/scripts/write_lab_goldens.py
Seeded: rerunning rewrites both files byte for byte.
"""
import base64
import json
import pathlib

import cv2
import numpy as np

from wsolkit.metrics import iou_tau_curve
from wsolkit.sanity import centre_gaussian_map, grey_levels, sobel_edge_map, sobel_magnitude

OUT = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "golden"


def b64(arr):
    return base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")


def write(name, obj):
    text = json.dumps(obj, separators=(",", ":")) + "\n"
    (OUT / name).write_text(text)
    print(f"{name}: {len(text) / 1024:.1f} KiB")


def blob_map(rng, h, w):
    """A few Gaussian blobs on a coarse grid, bicubic to h×w, min-max normalised in float32."""
    coarse = np.zeros((8, 8), np.float32)
    for _ in range(rng.integers(1, 4)):
        coarse[rng.integers(0, 8), rng.integers(0, 8)] += rng.uniform(0.5, 1.0)
    coarse += rng.uniform(0, 0.15, coarse.shape).astype(np.float32)
    up = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    lo, hi = up.min(), up.max()
    return ((up - lo) / (hi - lo)).astype(np.float32)


def random_box(rng, h, w):
    x0, y0 = int(rng.integers(0, w - 8)), int(rng.integers(0, h - 8))
    return [x0, y0, int(rng.integers(x0 + 4, w)), int(rng.integers(y0 + 4, h))]


def tau_curve_golden(rng):
    thresholds = list(np.arange(0, 1, 0.01))
    cases = []
    for n in range(8):
        h, w = (56, 72) if n % 2 else (64, 64)
        m = blob_map(rng, h, w)
        gts = [random_box(rng, h, w) for _ in range(1 + n % 3)]
        cases.append({
            "h": h, "w": w, "map": b64(m), "gtBoxes": gts,
            "largest": iou_tau_curve(m, gts, thresholds, "largest"),
            "all": iou_tau_curve(m, gts, thresholds, "all"),
        })
    write("lab_tau_curve.json", {"step": 0.01, "cases": cases})


def sanity_golden(rng):
    gaussians = [{"h": h, "w": w, "map": b64(centre_gaussian_map(h, w))} for h, w in ((7, 9), (32, 32), (24, 40))]
    sobels = []
    for h, w, frame in ((20, 30, (16, 24)), (33, 17, (33, 17)), (48, 48, (24, 24))):
        rgb = rng.integers(0, 256, (h, w, 3)).astype(np.uint8)
        rgb = cv2.GaussianBlur(rgb, (5, 5), 1.5)  # some structure, not only noise
        sobels.append({
            "h": h, "w": w, "frame": list(frame), "rgb": b64(rgb),
            "grey": b64(grey_levels(rgb)),
            "magnitudeOfGrey": b64(sobel_magnitude(grey_levels(rgb))),
            "edgeMap": b64(sobel_edge_map(rgb, frame)),
        })
    write("lab_sanity_maps.json", {"gaussians": gaussians, "sobels": sobels})


def main():
    tau_curve_golden(np.random.default_rng(1301))
    sanity_golden(np.random.default_rng(1302))


if __name__ == "__main__":
    main()
