"""Deterministic test images for parity and e2e tests (e2e/fixtures/images/).

    .venv/bin/python python/scripts/make_test_images.py
"""
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[2] / "e2e/fixtures/images"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    # RGBA with transparent background and soft alpha edges: exercises compositing.
    img = Image.new("RGBA", (150, 110), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse([20, 15, 120, 95], fill=(200, 60, 40, 255))
    d.rectangle([60, 40, 140, 70], fill=(30, 90, 200, 128))
    arr = np.asarray(img).copy()
    arr[..., :3] = np.where(arr[..., 3:4] == 0, rng.integers(0, 256, arr[..., :3].shape), arr[..., :3])
    Image.fromarray(arr.astype(np.uint8), "RGBA").save(OUT / "alpha-shape.png")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
