"""Pick test-set composites for the app's sample gallery (public/samples/): at least one per class.

    .venv/bin/python python/scripts/toyworld_gallery.py

Reads data/toyworld/test/ (python/scripts/toyworld_build_eval.py), writes
public/samples/<class>.png (PNG, <= 60 KB: palette-quantised when the RGB PNG is larger),
index.json ({"samples": [{"file", "label", "boxes"}]}) and ATTRIBUTION.md (what each image
contains, and the share-alike licence of the bundle). Deterministic: same test set, same files.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]

TEST = ROOT / "data/toyworld/test"
OUT = ROOT / "public/samples"
MAX_BYTES = 60_000

# (class, style, variant): a mix of both test styles, two multi-instance and one occluded image.
FEATURED = [
    ("dog", "openmoji", "plain"), ("cat", "art4apps", "plain"), ("horse", "openmoji", "multi"),
    ("elephant", "art4apps", "plain"), ("penguin", "openmoji", "occluded"),
    ("bus", "art4apps", "plain"), ("airplane", "openmoji", "plain"), ("giraffe", "art4apps", "multi"),
]
STYLES = ("openmoji", "art4apps")


def picks(ann: dict) -> list[tuple[str, str, str]]:
    """The featured images, then one plain image for every other class (styles alternate in class
    order; a class drawn in one test style only takes that one), so the in-browser benchmark
    (src/store/slices/benchmark.ts) has ground truth for every class of the pack."""
    featured = {cls for cls, _, _ in FEATURED}
    styles_of = {cls: {im["instances"][0]["style"] for im in ann["images"] if im["cls"] == cls} for cls in ann["classes"]}
    rest = []
    for k, cls in enumerate(c for c in ann["classes"] if c not in featured):
        style = STYLES[k % 2] if STYLES[k % 2] in styles_of[cls] else sorted(styles_of[cls])[0]
        rest.append((cls, style, "plain"))
    return FEATURED + rest


def small_png(path: Path) -> bytes:
    im = Image.open(path).convert("RGB")
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    for colours in (256, 192, 128, 64):
        if buf.tell() <= MAX_BYTES:
            break
        buf = io.BytesIO()
        im.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(buf, format="PNG", optimize=True)
    if buf.tell() > MAX_BYTES:
        raise SystemExit(f"{path} stays over {MAX_BYTES} bytes")
    return buf.getvalue()


def main():
    ann = json.loads((TEST / "annotations.json").read_text())
    size = ann["size"]
    OUT.mkdir(parents=True, exist_ok=True)
    samples, credits = [], []
    for cls, style, variant in picks(ann):
        cands = [im for im in ann["images"]
                 if im["cls"] == cls and im["variant"] == variant and im["instances"][0]["style"] == style]
        if variant != "multi":  # a clearly visible, whole object
            cands = [im for im in cands if im["instances"][0]["scale"] >= 0.35
                     and not im["instances"][0]["border_cut"]]
        if not cands:
            raise SystemExit(f"no test image for {cls}/{style}/{variant}")
        im = cands[0]
        name = f"{cls}.png"
        data = small_png(TEST / im["file"])
        (OUT / name).write_bytes(data)
        samples.append(dict(file=name, label=cls, boxes=im["boxes"]))
        bg = im["background"]
        bg_text = (f"procedural texture ({bg['generator']})" if bg["kind"] == "procedural" else
                   f"crop of {Path(bg['file']).name.split('-', 1)[1]} by {bg['author']} ({bg['licence']})")
        sprites = ", ".join(dict.fromkeys(f"{s['id']} ({s['licence']}{', occluder' if s.get('role') else ''})"
                                          for s in im["sprites"]))
        credits.append(f"| {name} | {im['file']} | {sprites} | {bg_text} | {len(data) // 1024} KB |")
        print(f"{name}: {im['file']} {len(data)} bytes")
    (OUT / "index.json").write_text(json.dumps({"samples": samples}, indent=2) + "\n")
    (OUT / "ATTRIBUTION.md").write_text(ATTRIBUTION.format(size=size, rows="\n".join(credits)))


ATTRIBUTION = """# Toy-world sample gallery: attribution

These {size}×{size} images are composites from the toy world's fixed **test** set
(`python/scripts/toyworld_build_eval.py --seed 0`, picked by `python/scripts/toyworld_gallery.py`).
Each contains a held-out-style sprite, recoloured, flipped, rotated and scaled, pasted on a
background; boxes come from the sprite's alpha. Images over 60 KB were palette-quantised.

**Licence of these images: CC BY-SA 4.0** (https://creativecommons.org/licenses/by-sa/4.0/).
They are adaptations of share-alike art (OpenMoji, Art4Apps), so they are shared under the same
terms. Changes made: cut-out (Art4Apps), rasterised (OpenMoji SVG), colour jitter, flip,
rotation, scaling, compositing onto a background, palette quantisation.

Sources:
- **OpenMoji** — the open-source emoji and icon project, https://openmoji.org/ — CC BY-SA 4.0
  (npm `openmoji`@17.0.0, `color/svg/<CODEPOINT>.svg`).
- **Art4Apps** — drawings by Smart4Kids, http://www.art4apps.org/ — CC BY-SA
  (as shipped in Debian `pysiogame` 4.20.01-1, `res/images/art4apps/`; credited in its CREDITS.txt).
- Backgrounds: procedural textures made by the generator (no third-party content), or crops of
  Debian wallpaper packages as listed below (licence per image).

| file | test-set image | sprites (licence) | background | size |
|---|---|---|---|---|
{rows}

Full source list and licences: `data/toyworld/ATTRIBUTION.md`.
"""


if __name__ == "__main__":
    main()
