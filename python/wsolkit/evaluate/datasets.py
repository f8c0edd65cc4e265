"""Evaluation folders in the layouts GenPromp reads, plus wsol-lab's own labels JSON.

Every loader returns `Sample`s in the dataset's own order; `index` is that position and is
what results are sorted by, so any split of the list over processes merges back the same.

ImageNet (GenPromp/TS-CAM layout), `--dataset imagenet --root ROOT`:
    ROOT/ILSVRC2012_list/val_folder_new.txt   one image per line:
        <relative path> <class index> x1 y1 x2 y2 [x1 y1 x2 y2 ...]
        e.g. "n01440764/ILSVRC2012_val_00000293.JPEG 0 0 4 449 342"
        (whitespace separated; boxes in original pixels, corners, any number of boxes;
        class index 0..999 in LOC_synset_mapping.txt order = the pack's class order)
    ROOT/val/<relative path>                  the image
  The score-JSON key is the relative path without its extension (GenPromp strips ".JPEG").
  `--list FILE` reads another list file (same format) and `--image-dir DIR` another folder.

CUB-200-2011 layout, `--dataset cub --root ROOT` (the test split only, is_training 0):
    ROOT/images.txt              "<image id> <relative path>"
    ROOT/image_class_labels.txt  "<image id> <class id 1..200>"  (class index = id − 1)
    ROOT/bounding_boxes.txt      "<image id> x y w h"            (→ x1 y1 x2 y2 = x, y, x+w, y+h as GenPromp)
    ROOT/train_test_split.txt    "<image id> <is_training 0|1>"
    ROOT/images/<relative path>
  The score-JSON key is the relative path (with extension, as GenPromp).

Custom, `--dataset custom --images DIR --labels labels.json`: wsol-lab's format
    {"images": [{"file": "a.png", "class": "dog", "boxes": [[x0, y0, x1, y1], ...]}, ...]}
  class by name (manifest classes[].name) or index; the score-JSON key is "file"; entries
  without boxes are left out (every metric here is a localisation metric or paired with one).

Precomputed classification (`--scores FILE`, optional, GenPromp's EfficientNet-B7 files):
    {"<key>": {"pred_scores": [C floats]}, ...}
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Sample:
    index: int  # position in the dataset's list
    key: str  # name in a score JSON
    path: Path
    label: int  # class index in the pack
    boxes: list  # [[x1, y1, x2, y2], ...] in original pixels (floats)


def _read(path: Path) -> str:
    if not Path(path).is_file():
        raise SystemExit(f"{path} is missing (dataset layouts: wsolkit/evaluate/datasets.py, docs/evaluate-at-scale.md)")
    return Path(path).read_text()


def _check(samples: list[Sample], n_classes: int, where: str) -> list[Sample]:
    missing = [s.path for s in samples if not s.path.is_file()]
    if missing:
        raise SystemExit(f"{where}: {len(missing)} images are missing, e.g. {missing[0]}")
    for s in samples:
        if not 0 <= s.label < n_classes:
            raise SystemExit(f"{where}: {s.key} has class {s.label}, outside the pack's {n_classes} classes")
        if not s.boxes:
            raise SystemExit(f"{where}: {s.key} has no box")
        for b in s.boxes:
            if b[2] < b[0] or b[3] < b[1]:
                raise SystemExit(f"{where}: {s.key} box {b} is not x1 ≤ x2, y1 ≤ y2")
    return samples


def imagenet(root: Path, n_classes: int, list_file: Path | None = None, image_dir: Path | None = None) -> list[Sample]:
    root = Path(root)
    list_file = list_file or root / "ILSVRC2012_list" / "val_folder_new.txt"
    image_dir = image_dir or root / "val"
    out = []
    for line in _read(list_file).splitlines():
        info = line.split()
        if not info:
            continue
        if len(info) < 6 or (len(info) - 2) % 4:
            raise SystemExit(f"{list_file}: line {line!r} is not '<path> <class> x1 y1 x2 y2 [...]'")
        coords = list(map(float, info[2:]))
        boxes = [coords[i : i + 4] for i in range(0, len(coords), 4)]
        out.append(Sample(len(out), str(Path(info[0]).with_suffix("")), image_dir / info[0], int(info[1]), boxes))
    return _check(out, n_classes, str(list_file))


def _table(path: Path) -> dict[int, list[str]]:
    rows = {}
    for line in _read(path).splitlines():
        parts = line.split()
        if parts:
            rows[int(parts[0])] = parts[1:]
    return rows


def cub(root: Path, n_classes: int) -> list[Sample]:
    root = Path(root)
    images, labels = _table(root / "images.txt"), _table(root / "image_class_labels.txt")
    boxes, split = _table(root / "bounding_boxes.txt"), _table(root / "train_test_split.txt")
    out = []
    for image_id in sorted(images):  # the images.txt order GenPromp reads is by id
        if split[image_id][0] != "0":
            continue
        x, y, w, h = map(float, boxes[image_id][:4])
        name = images[image_id][0]
        out.append(Sample(len(out), name, root / "images" / name, int(labels[image_id][0]) - 1, [[x, y, x + w, y + h]]))
    return _check(out, n_classes, str(root))


def custom(images: Path, labels: Path, class_names: list[str]) -> list[Sample]:
    spec = json.loads(_read(labels))
    if not isinstance(spec, dict) or not isinstance(spec.get("images"), list):
        raise SystemExit(f"{labels}: expected {{\"images\": [{{\"file\", \"class\", \"boxes\"}}, ...]}}")
    out = []
    for i, it in enumerate(spec["images"]):
        cls = it.get("class", it.get("cls"))
        if isinstance(cls, str):
            if cls not in class_names:
                raise SystemExit(f"{labels} entry {i} ({it.get('file')}): class {cls!r} is not one of the pack's classes")
            cls = class_names.index(cls)
        if it.get("boxes"):  # localisation needs a box; images without one are left out
            out.append(Sample(len(out), it["file"], Path(images) / it["file"], int(cls), [list(map(float, b)) for b in it["boxes"]]))
    return _check(out, len(class_names), str(labels))


def load_scores(path: Path, samples: list[Sample], n_classes: int) -> dict[str, list[float]]:
    """{key: pred_scores} for every sample, checked."""
    data = json.loads(Path(path).read_text())
    out = {}
    for s in samples:
        if s.key not in data:
            raise SystemExit(f"{path}: no entry for {s.key!r}")
        scores = data[s.key]["pred_scores"]
        if len(scores) != n_classes:
            raise SystemExit(f"{path}: {s.key!r} has {len(scores)} scores, the pack has {n_classes} classes")
        out[s.key] = [float(v) for v in scores]
    return out
