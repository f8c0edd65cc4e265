"""The e2e's new class: one animal the pack has never seen, as the browser gets it (issue 14's must-show).

    .venv/bin/python python/scripts/new_class_fixture.py [--animal snail]

Copies, byte for byte, from data/toyworld/new (python/scripts/toyworld_build_new_class.py --seed 0):
the animal's first 5 train-style composites (what a class would drop to teach it) and its 20 held-out
test-style composites (what it is scored on), into e2e/fixtures/new-class/<animal>/, with index.json
(files and ground-truth boxes) and ATTRIBUTION.md. The same images as the Node measurement
(scripts/teachNewClass.measure.ts), so the e2e and the script agree.

The animal is snail: the best of the four on validation (scripts/teachNewClass.measure.ts, val
new-class top-1 100 %); test was not looked at to choose it.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEW = ROOT / "data/toyworld/new"
OUT = ROOT / "e2e/fixtures/new-class"
POSITIVES = 5


def credit(im: dict) -> str:
    bg = im["background"]
    bg_text = (f"procedural texture ({bg['generator']})" if bg["kind"] == "procedural" else
               f"crop of {Path(bg['file']).name.split('-', 1)[1]} by {bg['author']} ({bg['licence']})")
    sprites = ", ".join(dict.fromkeys(f"{s['id']} ({s['licence']}{', occluder' if s.get('role') else ''})" for s in im["sprites"]))
    return f"{sprites} | {bg_text}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--animal", default="snail")
    args = ap.parse_args(argv)
    out = OUT / args.animal
    if out.exists():
        shutil.rmtree(out)
    index, rows = {"animal": args.animal}, []
    for split, take in (("train", POSITIVES), ("test", None)):
        ann = json.loads((NEW / split / "annotations.json").read_text())
        mine = [im for im in ann["images"] if im["cls"] == args.animal][:take]
        (out / split).mkdir(parents=True)
        index[split] = []
        for im in mine:
            name = Path(im["file"]).name
            shutil.copyfile(NEW / split / im["file"], out / split / name)
            index[split].append({"file": f"{split}/{name}", "boxes": im["boxes"]})
            rows.append(f"| {split}/{name} | {credit(im)} |")
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    (out / "ATTRIBUTION.md").write_text(ATTRIBUTION.format(animal=args.animal, rows="\n".join(rows)))
    print(f"wrote {out}: {len(index['train'])} train-style and {len(index['test'])} test-style composites")


ATTRIBUTION = """# New-class fixture ({animal}): attribution

Composites of an animal outside the toy pack's 30 classes, copied unchanged from the toy world's
new-class sets (`python/scripts/toyworld_build_new_class.py --seed 0`, picked by
`python/scripts/new_class_fixture.py`): `train/` holds train-style images (what a class would drop
to teach it), `test/` the held-out test-style images it is scored on. Each contains sprites
recoloured, flipped, rotated and scaled, pasted on a background; boxes come from the sprite's alpha.

**Licences.** `train/`: the sprites' own licences below (CC BY 4.0, MIT, Apache-2.0); backgrounds
are procedural (no third-party content). `test/`: **CC BY-SA 4.0**
(https://creativecommons.org/licenses/by-sa/4.0/) — adaptations of share-alike art (OpenMoji,
Art4Apps), shared under the same terms; photo backgrounds keep their licence as listed. These
images are test data, kept apart from the app's code (MIT) and from every pack.

Changes made: cut-out (Art4Apps), rasterised (SVG sets), colour jitter, flip, rotation, scaling,
compositing onto a background.

| file | sprites (licence) | background |
|---|---|---|
{rows}

Full source list and licences: `data/toyworld/ATTRIBUTION.md`.
"""


if __name__ == "__main__":
    main()
