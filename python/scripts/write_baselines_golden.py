"""Golden maps of the baselines' Python reference (wsolkit.baselines via wsolkit.evaluate.Reference), for TS parity.

    .venv/bin/python python/scripts/write_baselines_golden.py      # → fixtures/golden/baselines-toyworld.json

Per image (toy-world gallery, held-out test styles) and for two classes (the
ground truth and the classifier's top-1, or the runner-up when they agree): CAM,
LPCAM with and without context subtraction, SAT's block maps and mean map, SAT's
top-5, and the largest-contour box of each map at the pack's threshold.
python/tests/test_reference.py checks the file regenerates.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch

from wsolkit import baselines as bl
from wsolkit import genpromp as gp
from wsolkit.evaluate import CHECKPOINT, PACK_DIR, Item, Reference
from wsolkit.paths import ROOT

IMAGES = ["dog", "penguin", "airplane"]


def r(a) -> list:
    return [float(f"{v:.9g}") for v in np.asarray(a, np.float32).ravel()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "fixtures/golden/baselines-toyworld.json")
    args = ap.parse_args()
    torch.set_num_threads(1)
    ref = Reference(CHECKPOINT, PACK_DIR)
    tau = ref.settings["threshold"]
    frame = (ref.size, ref.size)
    samples = {s["file"]: s for s in json.loads((ROOT / "public/samples/index.json").read_text())["samples"]}
    cases = []
    for name in IMAGES:
        path = ROOT / f"public/samples/{name}.png"
        item = Item(path, samples[f"{name}.png"]["label"], [], gp.composite(gp.load_rgba(path)))
        gt = ref.classes.index(item.cls)
        top = ref.logits([item])[0].topk(2).indices.tolist()
        classes = [gt, top[0] if top[0] != gt else top[1]]
        logits, block_maps = ref.sat_outputs([item])
        p = torch.softmax(logits[0], 0)
        sat_mean = bl.sat_map(block_maps[0])
        per_class = []
        for c in classes:
            cam = ref.cam([item], [c])[0]
            lp = ref.lpcam([item], [c], True)[0]
            lp0 = ref.lpcam([item], [c], False)[0]
            per_class.append({"classIndex": c, "cam": r(cam), "lpcam": r(lp), "lpcamNoContext": r(lp0),
                              "boxes": {"cam": gp.localize(cam, frame, tau, "largest"), "lpcam": gp.localize(lp, frame, tau, "largest")}})
        cases.append({
            "image": path.relative_to(ROOT).as_posix(),
            "classes": per_class,
            "sat": {"blockMaps": r(block_maps[0]), "mean": r(sat_mean), "box": gp.localize(sat_mean, frame, tau, "largest"),
                    "top5": [{"index": int(i), "probability": float(p[i])} for i in p.topk(5).indices]},
        })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"pack": ref.manifest["id"], "threshold": tau, "cases": cases}) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
