"""Tiny evaluation folders in GenPromp's ImageNet and CUB layouts, drawn from a fixed seed (no third-party images)."""
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw


def draw_images(n: int, n_classes: int, seed: int = 0) -> list[dict]:
    """n images of different sizes: a smooth noisy background and one or two filled shapes; their boxes (x1 y1 x2 y2)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        w, h = int(rng.integers(96, 200)), int(rng.integers(96, 200))
        bg = (rng.normal(0, 1, (h // 8 + 1, w // 8 + 1, 3)) * 30 + rng.integers(60, 200, 3)).clip(0, 255).astype(np.uint8)
        im = Image.fromarray(bg).resize((w, h), Image.BILINEAR)
        d = ImageDraw.Draw(im)
        boxes = []
        for _ in range(1 + (i % 3 == 2)):
            bw, bh = int(rng.integers(w // 4, w * 3 // 4)), int(rng.integers(h // 4, h * 3 // 4))
            x, y = int(rng.integers(0, w - bw)), int(rng.integers(0, h - bh))
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            (d.ellipse if i % 2 else d.rectangle)([x, y, x + bw, y + bh], fill=colour)
            boxes.append([x, y, x + bw, y + bh])
        out.append({"image": im, "label": int(rng.integers(0, n_classes)), "boxes": boxes})
    return out


def make_imagenet(root: Path, n: int, n_classes: int, seed: int = 0) -> Path:
    """ROOT/ILSVRC2012_list/val_folder_new.txt + ROOT/val/<wnid>/ILSVRC2012_val_XXXXXXXX.JPEG."""
    (root / "ILSVRC2012_list").mkdir(parents=True, exist_ok=True)
    lines = []
    for i, it in enumerate(draw_images(n, n_classes, seed)):
        rel = f"n{it['label']:08d}/ILSVRC2012_val_{i + 1:08d}.JPEG"
        (root / "val" / rel).parent.mkdir(parents=True, exist_ok=True)
        it["image"].save(root / "val" / rel, "JPEG", quality=90)
        lines.append(" ".join([rel, str(it["label"]), *(str(v) for b in it["boxes"] for v in b)]))
    (root / "ILSVRC2012_list" / "val_folder_new.txt").write_text("\n".join(lines) + "\n")
    return root


def make_cub(root: Path, n: int, n_classes: int, seed: int = 0) -> Path:
    """CUB_200_2011 layout; odd image ids are the test split; first box only (CUB has one), as x y w h."""
    files = {k: [] for k in ("images", "image_class_labels", "bounding_boxes", "train_test_split")}
    for i, it in enumerate(draw_images(n, n_classes, seed)):
        image_id, rel = i + 1, f"{it['label'] + 1:03d}.Class_{it['label']}/img_{i:04d}.jpg"
        (root / "images" / rel).parent.mkdir(parents=True, exist_ok=True)
        it["image"].save(root / "images" / rel, "JPEG", quality=90)
        x1, y1, x2, y2 = it["boxes"][0]
        files["images"].append(f"{image_id} {rel}")
        files["image_class_labels"].append(f"{image_id} {it['label'] + 1}")
        files["bounding_boxes"].append(f"{image_id} {x1}.0 {y1}.0 {x2 - x1}.0 {y2 - y1}.0")
        files["train_test_split"].append(f"{image_id} {1 - image_id % 2}")
    for k, lines in files.items():
        (root / f"{k}.txt").write_text("\n".join(lines) + "\n")
    return root
