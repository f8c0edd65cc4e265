"""Golden outputs of the Python GenPromp reference on a pack, for TS parity tests.

    .venv/bin/python python/scripts/write_pipeline_golden.py            # fixture pack
    .venv/bin/python python/scripts/write_pipeline_golden.py --pack public/models/<id> --checkpoint <ckpt> --out <json>

The toy-world golden (fixtures/golden/genpromp-toyworld.json) is made with the arguments in
python/tests/test_reference.py (TOYWORLD_GOLDEN_ARGS), which also checks it regenerates:

    .venv/bin/python python/scripts/write_pipeline_golden.py --pack public/models/toyworld --checkpoint python/checkpoints/toyworld.pt \
        --images public/samples/{dog,penguin,airplane}.png --out fixtures/golden/genpromp-toyworld.json

Reads the pack's own files (manifest, tokenizer.json, concept rows) and the torch
checkpoint the pack was exported from, and records per image: the resized input's
sha256, top-5, f_d/f_r for one class, raw attention maps per timestep, aggregated
maps for several slider settings, and boxes.
"""
import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

from wsolkit import genpromp as gp
from wsolkit.checkpoint import load_models
from wsolkit.paths import ROOT
from wsolkit.scheduler import alphas_cumprod


def r(a) -> list:
    """float32 values as JSON numbers with enough digits to round-trip."""
    return [float(f"{v:.9g}") for v in np.asarray(a, np.float32).ravel()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pack", type=Path, default=ROOT / "public/models/fixture-tiny", help="pack folder")
    ap.add_argument("--checkpoint", type=Path, default=ROOT / "python/checkpoints/fixture-tiny.pt", help="torch checkpoint of the pack")
    ap.add_argument("--images", type=Path, nargs="+", default=[ROOT / "public/samples-fixture/dog.png", ROOT / "e2e/fixtures/images/alpha-shape.png"])
    ap.add_argument("--out", type=Path, default=ROOT / "fixtures/golden/genpromp-fixture.json", help="output JSON")
    args = ap.parse_args()
    torch.set_num_threads(1)

    m = json.loads((args.pack / "manifest.json").read_text())
    vae, text, unet, clf, _ = load_models(args.checkpoint)
    # The pack's own concept rows, as the app reads them.
    rows = np.frombuffer((args.pack / m["representativeEmbeddings"]["path"]).read_bytes(), "<f4").reshape(m["representativeEmbeddings"]["shape"])
    spec = gp.TokenizerSpec(Tokenizer.from_file(str(args.pack / m["tokenizer"]["file"]["path"])), m["tokenizer"]["contextLength"],
                            m["tokenizer"]["bosId"], m["tokenizer"]["eosId"], m["tokenizer"]["padId"])
    s = m["scheduler"]
    acp = alphas_cumprod(s["betaStart"], s["betaEnd"], s["numTrainTimesteps"], s["betaSchedule"])
    g = m["genpromp"]
    layers = [(a["output"], a["block"], a["resolution"]) for a in m["unetAttention"]]
    size = tuple(m["preprocess"]["size"])
    latent_hw = tuple(m["vae"]["latentSize"])
    all_t = [0, 99, 999]
    settings = [
        {"timesteps": g["timesteps"], "resolutions": g["resolutions"]},
        {"timesteps": [999], "resolutions": g["resolutions"]},
        {"timesteps": [0, 99, 999], "resolutions": [32]},
        {"timesteps": [99], "resolutions": [8]},
    ]

    cases = []
    for path in args.images:
        rgba = gp.load_rgba(path)
        rgb = gp.resize_pil_bicubic(gp.composite(rgba, m["preprocess"]["alphaBackground"]), size)
        cp = m["classifierPreprocess"]
        crgb = gp.resize_pil_bicubic(gp.composite(rgba, m["preprocess"]["alphaBackground"]), tuple(cp["size"]))
        top5 = gp.classify(clf, gp.to_classifier_input(crgb, cp["mean"], cp["std"]))
        z = gp.latent(vae, gp.to_model_input(rgb), m["vae"]["scalingFactor"], g["noiseSeed"], g["latentSampling"])
        cls = top5[0][0]
        c = m["classes"][cls]
        f_d, f_r = gp.text_embeddings(text, spec, m["promptTemplates"], c["metaToken"], c["conceptToken"], rows[cls])
        runs = []
        for lam in (0.0, 0.6, 1.0):
            maps = gp.attention_maps(unet, z, all_t, gp.mix(f_d, f_r, lam), g["tokenPosition"], g["noiseSeed"], acp)
            aggs = []
            for st in settings:
                cam = gp.aggregate(maps, st["timesteps"], st["resolutions"], layers, latent_hw)
                aggs.append({**st, "map": r(cam),
                             "boxesLargest": gp.localize(cam, size, g["threshold"], "largest"),
                             "boxesAll": gp.localize(cam, size, g["threshold"], "all"),
                             "boxesLargestTau50": gp.localize(cam, size, 0.5, "largest")})
            run = {"lambda": lam, "classIndex": cls, "aggregates": aggs}
            if lam == 0.6:
                run["maps"] = {str(t): {k: r(v) for k, v in maps[t].items()} for t in all_t}
            runs.append(run)
        cases.append({
            "image": path.resolve().relative_to(ROOT).as_posix(),
            "resizedSha256": hashlib.sha256(rgb.tobytes()).hexdigest(),
            "top5": [{"index": i, "probability": p} for i, p in top5],
            "latent": r(z),
            "f_d": r(f_d), "f_r": r(f_r),
            "runs": runs,
        })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"pack": m["id"], "timesteps": all_t, "cases": cases}) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
