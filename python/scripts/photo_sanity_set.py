"""A small photo sanity set for the toy-world pack: real photos with approximate boxes.

    .venv/bin/python python/scripts/photo_sanity_set.py            # build data/photos/
    cd python && ../.venv/bin/python -m wsolkit.evaluate --images ../data/photos --labels ../data/photos/labels.json
    .venv/bin/python python/scripts/photo_sanity_set.py --negatives  # what the classifier says on photos without any class

The pack's honest scope is drawn art, but people drop photos; this shows how far it carries.
It is a sanity check, not a benchmark: nothing is chosen on it.

Sources (none reserved for the independent evaluation):
- Debian's `darknet` package, /usr/share/darknet/data/*.jpg (YOLO's sample photos);
- scikit-image's `astronaut` (NASA, public domain) and `coffee` (Rachel Michetti, CC0) as
  negatives: photos that hold none of the pack's classes. They come from the scikit-image
  0.22.0 wheel (PyPI), fetched with pip into data/cache/ and unpacked without installing it.

The boxes were drawn by eye on a 50-px grid (inclusive [x0, y0, x1, y1] in original pixels):
each box is the whole visible object, every instance of the named class in the image. The
images are not committed; this script copies them, so the set is the same on every machine
that has the package.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data/photos"
DARKNET = Path("/usr/share/darknet/data")
SKIMAGE_WHEEL = "scikit-image==0.22.0"

POSITIVES = [
    {"file": "dog.jpg", "class": "dog", "boxes": [[132, 220, 305, 540]]},
    {"file": "dog.jpg", "class": "bicycle", "boxes": [[125, 135, 568, 420]]},
    {"file": "dog.jpg", "class": "truck", "boxes": [[465, 75, 690, 170]]},  # a pickup, the nearest toy class
    {"file": "eagle.jpg", "class": "bird", "boxes": [[130, 87, 600, 448]]},
    {"file": "giraffe.jpg", "class": "giraffe", "boxes": [[165, 30, 448, 440]]},
    {"file": "horses.jpg", "class": "horse", "boxes": [[0, 188, 152, 345], [0, 195, 315, 410], [230, 195, 418, 360],
                                                       [280, 205, 455, 325], [435, 210, 596, 345]]},
    {"file": "person.jpg", "class": "dog", "boxes": [[65, 263, 205, 345]]},
    {"file": "person.jpg", "class": "horse", "boxes": [[405, 138, 600, 347]]},
]
NEGATIVES = ["astronaut.png", "coffee.png"]


def fetch_skimage_photos(dest: Path) -> None:
    cache = ROOT / "data/cache/skimage"
    wheels = sorted(cache.glob("scikit_image-*.whl"))
    if not wheels:
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", SKIMAGE_WHEEL, "--no-deps", "-d", str(cache), "-q"], check=True)
        wheels = sorted(cache.glob("scikit_image-*.whl"))
    with zipfile.ZipFile(wheels[-1]) as z:
        for name in NEGATIVES:
            (dest / name).write_bytes(z.read(f"skimage/data/{name}"))


def build() -> None:
    if not DARKNET.exists():
        raise SystemExit(f"{DARKNET} is missing: apt-get install darknet (Debian) for its sample photos")
    OUT.mkdir(parents=True, exist_ok=True)
    for f in sorted({p["file"] for p in POSITIVES}):
        shutil.copyfile(DARKNET / f, OUT / f)
    fetch_skimage_photos(OUT)
    (OUT / "labels.json").write_text(json.dumps({"images": POSITIVES}, indent=1) + "\n")
    (OUT / "README.md").write_text(__doc__)
    print(f"{OUT}: {len(POSITIVES)} labelled objects in {len({p['file'] for p in POSITIVES})} photos, negatives {NEGATIVES}")


def negatives() -> None:
    """Top-3 of the reference classifier on the negatives (they hold none of the classes)."""
    sys.path.insert(0, str(ROOT / "python"))
    import torch

    from wsolkit import genpromp as gp
    from wsolkit.evaluate.reference import Reference
    from wsolkit.localisation import Item

    ref = Reference()
    items = [Item(OUT / f, ref.classes[0], [], gp.composite(gp.load_rgba(OUT / f))) for f in NEGATIVES]
    probs = torch.softmax(ref.logits(items), dim=1)
    for f, p in zip(NEGATIVES, probs):
        top = p.topk(3)
        print(json.dumps({"file": f, "top3": [[ref.classes[int(k)], round(float(v), 3)] for v, k in zip(top.values, top.indices)]}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--negatives", action="store_true")
    args = ap.parse_args()
    negatives() if args.negatives else build()
