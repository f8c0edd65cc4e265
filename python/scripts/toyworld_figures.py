"""Figure grids for docs/results-toyworld.md, from the reference evaluation.

    cd python && ../.venv/bin/python scripts/toyworld_figures.py

- docs/img/toyworld-maps.png: test images (columns: image with GT box, CAM, f_d only
  (λ=0), f_r only (λ=1), combined (λ=0.6, the paper's)), each map with its box at the τ chosen on
  validation for that method. Rows: the first test images (in file order) where CAM's
  box misses (IoU < 0.5) and the combined map's box hits, then the first where both hit.
- docs/img/toyworld-lambda.png: the app's eight featured gallery samples under λ ∈ {0, 0.2, …, 1}.
- docs/img/toyworld-methods.png: the four methods of the app on the same test images
  (columns: image with GT box, CAM, LPCAM, SAT, GenPromp at the pack's defaults), each at
  its validated τ. Rows: the first test images where CAM's error is "Part" (its box lies
  inside the object: partial activation), then the first where it is another error.
- docs/img/toyworld-pairs.png: two-class test images (data/toyworld/test-pairs), one per row:
  the image with both objects' boxes (green: A, orange: B, A and B named under it), then GenPromp's
  map (the pack's λ) and CAM's for A and for B, each with its box at the method's validated τ
  and the named object's box in green. A class-selective method moves to the other object
  between its two columns.
"""
import argparse
import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from wsolkit import baselines as bl
from wsolkit import evaluate as ev
from wsolkit import genpromp as gp
from wsolkit.localisation import toyworld_pairs
from wsolkit.metrics import badcase_detail
from wsolkit.paths import ROOT

CELL = 128


def overlay(rgb: np.ndarray, cam: np.ndarray | None, boxes, gt, size, other_gt=(), caption: str = "") -> Image.Image:
    base = cv2.resize(rgb, (CELL, CELL), interpolation=cv2.INTER_AREA)
    if cam is not None:
        m = cv2.resize(cam.astype(np.float32), (CELL, CELL), interpolation=cv2.INTER_LINEAR)
        m = (m - m.min()) / max(m.max() - m.min(), 1e-12)
        heat = cv2.applyColorMap((m * 255).astype(np.uint8), cv2.COLORMAP_JET)[..., ::-1]
        base = (0.45 * base + 0.55 * heat).astype(np.uint8)
    im = Image.fromarray(base)
    d = ImageDraw.Draw(im)
    s = CELL / size
    for b in gt:
        d.rectangle([b[0] * s, b[1] * s, b[2] * s, b[3] * s], outline=(0, 255, 0), width=2)
    for b in other_gt:
        d.rectangle([b[0] * s, b[1] * s, b[2] * s, b[3] * s], outline=(255, 150, 0), width=2)
    for b in boxes:
        d.rectangle([b[0] * s, b[1] * s, b[2] * s, b[3] * s], outline=(255, 255, 255), width=2)
    if caption:
        d.rectangle([0, CELL - 14, CELL, CELL], fill=(0, 0, 0))
        d.text((3, CELL - 13), caption, fill=(255, 255, 255))
    return im


def grid(rows: list[list[Image.Image]], header: list[str]) -> Image.Image:
    pad, top = 4, 18
    w = len(header) * (CELL + pad) + pad
    h = top + len(rows) * (CELL + pad) + pad
    out = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(out)
    for j, name in enumerate(header):
        d.text((pad + j * (CELL + pad) + 4, 3), name, fill=(0, 0, 0))
    for i, row in enumerate(rows):
        for j, im in enumerate(row):
            out.paste(im, (pad + j * (CELL + pad), top + i * (CELL + pad)))
    return out


def figure_row(it, maps_and_taus, size) -> list[Image.Image]:
    """The image with its GT box, then each map with its box at its τ."""
    small = gp.resize_pil_bicubic(it.rgb, (size, size))
    gt = ev.frame_gt(it.boxes, it.rgb.shape[:2], size)
    return [overlay(small, None, [], gt, size)] + [overlay(small, m, [gp.localize(m, (size, size), tau, "largest")[0]], gt, size) for m, tau in maps_and_taus]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--report", type=Path, default=ROOT / "docs/results/toyworld.json", help="evaluation JSON (for the validation τ)")
    ap.add_argument("--rows", type=int, default=8)
    args = ap.parse_args()
    ref = ev.Reference()
    report = json.loads(args.report.read_text())
    lam = 0.6  # the paper's mix; the pack's validated λ may be an end point (then "combined" = f_d or f_r)
    lam_rows = {r["name"]: r["tau"] for r in report.get("ablations", {}).get("lambda", [])}
    tau_of = lambda l: lam_rows.get(f"λ={l}", report["main"]["genpromp"]["tau"])  # noqa: E731
    taus = {"cam": report["main"]["cam"]["tau"], "genpromp": tau_of(lam)}
    test = ev.toyworld_split("test", ref.classes)
    ts, rs, size = ref.settings["timesteps"], ref.settings["resolutions"], ref.size

    # Candidates: the first 240 test images (8 per class in file order), scored with CAM and combined.
    pool = test[::5][:240]
    cam = ev.cam_maps(ref, pool).maps
    comb = ev.genpromp_maps(ref, ev.genpromp_raw(ref, pool, lam, ts), len(pool), ts, rs, "").maps

    def hit(m, it, tau):
        box = gp.localize(m, (size, size), tau, "largest")[0]
        return ev.best_iou(box, ev.frame_gt(it.boxes, it.rgb.shape[:2], size))[0] >= 0.5

    partial = [i for i in range(len(pool)) if not hit(cam[i], pool[i], taus["cam"]) and hit(comb[i], pool[i], taus["genpromp"])]
    both = [i for i in range(len(pool)) if hit(cam[i], pool[i], taus["cam"]) and hit(comb[i], pool[i], taus["genpromp"])]
    chosen = (partial[: args.rows // 2] + both)[: args.rows]
    items = [pool[i] for i in chosen]
    f_d = ev.genpromp_maps(ref, ev.genpromp_raw(ref, items, 0.0, ts), len(items), ts, rs, "").maps
    f_r = ev.genpromp_maps(ref, ev.genpromp_raw(ref, items, 1.0, ts), len(items), ts, rs, "").maps
    rows = [figure_row(pool[i], ((cam[i], taus["cam"]), (f_d[k], tau_of(0.0)), (f_r[k], tau_of(1.0)), (comb[i], taus["genpromp"])), size)
            for k, i in enumerate(chosen)]
    out = ROOT / "docs/img"
    out.mkdir(parents=True, exist_ok=True)
    grid(rows, ["image + GT", "CAM", "f_d (lambda 0)", "f_r (lambda 1)", f"combined ({lam})"]).save(out / "toyworld-maps.png", optimize=True)

    # The gallery's first eight images are its featured ones (toyworld_gallery.py keeps them first).
    samples = json.loads((ROOT / "public/samples/index.json").read_text())["samples"][:8]
    gallery = ev.load_items(ROOT / "public/samples", [{"file": s["file"], "class": s["label"], "boxes": s["boxes"]} for s in samples], ref.classes)
    lams = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    per_lam = [ev.genpromp_maps(ref, ev.genpromp_raw(ref, gallery, l, ts), len(gallery), ts, rs, "").maps for l in lams]
    rows = [figure_row(it, [(per_lam[j][i], tau_of(l)) for j, l in enumerate(lams)], size) for i, it in enumerate(gallery)]
    grid(rows, ["image + GT"] + [f"lambda {l}" for l in lams]).save(out / "toyworld-lambda.png", optimize=True)
    n_part = methods_figure(ref, report, pool, cam, out / "toyworld-methods.png", args.rows)
    pairs_figure(ref, report, out / "toyworld-pairs.png", args.rows)
    print(f"wrote {out}/toyworld-maps.png ({len(partial)} CAM-miss/combined-hit cases among {len(pool)}), {out}/toyworld-lambda.png, "
          f"{out}/toyworld-methods.png ({n_part} CAM 'Part' errors among {len(pool)}), {out}/toyworld-pairs.png")


def methods_figure(ref, report, pool, cam, path, n_rows) -> int:
    """CAM, LPCAM, SAT and GenPromp (pack defaults) side by side, CAM's partial activations first."""
    size, s = ref.size, ref.settings
    main = report["main"]
    taus = {k: main[k]["tau"] for k in ("cam", "lpcam", "sat", "genpromp")}
    kinds = []
    for m, it in zip(cam, pool):
        box = gp.localize(m, (size, size), taus["cam"], "largest")[0]
        gts = ev.frame_gt(it.boxes, it.rgb.shape[:2], size)
        iou, j = ev.best_iou(box, gts)
        g = ref.classes.index(it.cls)
        kinds.append(badcase_detail(g, box, gts, g, iou, j))  # GT class as "prediction": localisation error kinds only
    part = [i for i, k in enumerate(kinds) if k == "Part"]
    other = [i for i, k in enumerate(kinds) if k not in ("Part", "Right")]
    chosen = (part[: n_rows // 2 + 1] + other)[:n_rows]
    items = [pool[i] for i in chosen]
    lp = ev.lpcam_maps(ref, items).maps
    sat_blocks, _ = ev.sat_block_maps(ref, items)
    gpm = ev.genpromp_maps(ref, ev.genpromp_raw(ref, items, s["lambda"], s["timesteps"]), len(items), s["timesteps"], s["resolutions"], "").maps
    rows = [figure_row(pool[i], ((cam[i], taus["cam"]), (lp[k], taus["lpcam"]), (bl.sat_map(sat_blocks[k]), taus["sat"]), (gpm[k], taus["genpromp"])), size)
            for k, i in enumerate(chosen)]
    grid(rows, ["image + GT", "CAM", "LPCAM", "SAT", f"GenPromp (lambda {s['lambda']})"]).save(path, optimize=True)
    return len(part)


def pairs_figure(ref, report, path, n_rows) -> None:
    """GenPromp and CAM for each class of two-class test images: does the map follow the class named?"""
    size, s = ref.size, ref.settings
    pairs = toyworld_pairs("test", ref.classes)
    step = max(1, len(pairs) // 2 // n_rows)
    items = [pairs[2 * i + j] for i in range(0, len(pairs) // 2, step)[:n_rows] for j in (0, 1)]  # A then B of each image
    taus = {k: report["main"][k]["tau"] for k in ("cam", "genpromp")}
    gpm = ev.genpromp_maps(ref, ev.genpromp_raw(ref, items, s["lambda"], s["timesteps"]), len(items), s["timesteps"], s["resolutions"], "").maps
    cam = ev.cam_maps(ref, items).maps
    rows = []
    for k in range(0, len(items), 2):
        a, b = items[k], items[k + 1]
        gt = {it.cls: ev.frame_gt(it.boxes, it.rgb.shape[:2], size) for it in (a, b)}
        small = gp.resize_pil_bicubic(a.rgb, (size, size))
        row = [overlay(small, None, [], gt[a.cls], size, other_gt=gt[b.cls], caption=f"A {a.cls}, B {b.cls}")]
        for maps, tau in ((gpm, taus["genpromp"]), (cam, taus["cam"])):
            for j, it in ((k, a), (k + 1, b)):
                row.append(overlay(small, maps[j], [gp.localize(maps[j], (size, size), tau, "largest")[0]], gt[it.cls], size))
        rows.append(row)
    grid(rows, ["image (A, B)", "GenPromp: A", "GenPromp: B", "CAM: A", "CAM: B"]).save(path, optimize=True)


if __name__ == "__main__":
    main()
