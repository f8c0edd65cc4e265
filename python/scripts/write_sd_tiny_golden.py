"""Golden GenPromp maps for the sd-tiny-random pack, from the diffusers reference, for a TS parity test.

    .venv/bin/python python/scripts/write_sd_tiny_golden.py [--out fixtures/golden/genpromp-sd-tiny-random.json]

The maps come from wsolkit.sd.reference (GenPromp on the unmodified diffusers/transformers
modules: resized embedding table with the concept rows, classic attention processor maths,
hooked post-softmax attn2 probabilities), NOT from the pack's ONNX files; the source models are
rebuilt from build_sd_tiny_random_pack.py's seeds. python/tests/test_sd_export.py checks the
pack reproduces these maps to 1e-4 and that this file regenerates.

Fields (floats as float32 values, 9 significant digits; arrays row-major, flattened):
- pack: "sd-tiny-random"; image: repository path of the input PNG; resizedSha256: sha256 of the
  512×512×3 uint8 RGB after alpha→white and PIL bicubic (what the app feeds the VAE, ×/127.5 − 1);
- classIndex, className, metaToken, conceptToken; lambda (0.6); timesteps ([0, 99]); noiseSeed (1234);
  tokenPosition (5); threshold (τ, the manifest's genpromp.threshold);
- latent: z = (mean + exp(½·logvar)·ε)·0.18215, [1, 4, 64, 64];
- f_d, f_r: template-averaged last_hidden_state, [1, 77, 8];
- maps: {"0": {...}, "99": {...}}: per timestep, per UNet output name (attn_down_2_0, attn_down_2_1,
  attn_mid_0_0, attn_up_1_0, attn_up_1_1, attn_up_1_2 — the manifest's unetAttention), the head-averaged
  post-softmax attention to token 5, [r·r] with r = 16 (down, up) or 8 (mid);
- cam: the aggregated 64×64 map (per (resolution, block) group: mean over layers × heads × timesteps,
  cv2 INTER_CUBIC to 64×64; mean over the 3 groups; ÷ max);
- boxesLargest: GenPromp's box at τ in the 512×512 frame ([[x1, y1, x2, y2]], TS-CAM evaluator);
  boxesAll: one box per contour (MaxBoxAccV2's clipping); boxesLargestTau60: GenPromp's box at τ = 0.6.
"""
import argparse
import hashlib
import json
import tempfile
from pathlib import Path

import numpy as np
import torch

from wsolkit import genpromp as gp
from wsolkit.pack import PROMPT_TEMPLATES
from wsolkit.paths import ROOT
from wsolkit.sd import reference as ref
from wsolkit.sd import tokenizer

PACK = ROOT / "public/models/sd-tiny-random"
IMAGE = ROOT / "public/samples-fixture/dog.png"
CLASS_INDEX = 2  # the pack classifier's top-1 on IMAGE: the app draws it with no class change (one UNet run on software WebGPU)
LAMBDA = 0.6


def r(a) -> list:
    return [float(f"{v:.9g}") for v in np.asarray(a, np.float32).ravel()]


def _output_name(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "mid_block":
        return f"attn_mid_0_{parts[2]}"
    return f"attn_{parts[0].removesuffix('_blocks')}_{parts[1]}_{parts[3]}"


def golden() -> dict:
    import importlib.util

    torch.set_num_threads(1)
    spec = importlib.util.spec_from_file_location("build_sd_tiny_random_pack", ROOT / "python/scripts/build_sd_tiny_random_pack.py")
    b = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(b)
    m = json.loads((PACK / "manifest.json").read_text())
    g = m["genpromp"]
    with tempfile.TemporaryDirectory() as tmp:
        vae, text, unet, folder, class_list, rows = b.models(Path(tmp))
        tokens = [c["conceptToken"] for c in class_list]
        tok = ref.tokenizer_with_concepts(tokenizer.slow_tokenizer(folder), tokens)
    te = ref.text_encoder_with_rows(text, tok, tokens, rows)
    c = class_list[CLASS_INDEX]
    rgb = gp.resize_pil_bicubic(gp.composite(gp.load_rgba(IMAGE)), (512, 512))
    out = ref.run(vae, te, tok, unet, gp.to_model_input(rgb), c["metaToken"], c["conceptToken"], PROMPT_TEMPLATES,
                  lam=LAMBDA, timesteps=g["timesteps"], noise_seed=g["noiseSeed"], token=g["tokenPosition"])
    wanted = {a["output"] for a in m["unetAttention"]}
    maps = {str(t): {_output_name(n): r(v) for n, v in layers.items() if _output_name(n) in wanted} for t, layers in out["maps"].items()}
    return {
        "pack": m["id"], "image": IMAGE.relative_to(ROOT).as_posix(), "resizedSha256": hashlib.sha256(rgb.tobytes()).hexdigest(),
        "classIndex": CLASS_INDEX, "className": c["name"], "metaToken": c["metaToken"], "conceptToken": c["conceptToken"],
        "lambda": LAMBDA, "timesteps": g["timesteps"], "noiseSeed": g["noiseSeed"], "tokenPosition": g["tokenPosition"],
        "threshold": g["threshold"],
        "latent": r(out["latent"]), "f_d": r(out["f_d"]), "f_r": r(out["f_r"]), "maps": maps, "cam": r(out["cam"]),
        "boxesLargest": gp.localize(out["cam"], (512, 512), g["threshold"], "largest"),
        "boxesAll": gp.localize(out["cam"], (512, 512), g["threshold"], "all"),
        # Random weights put the whole frame above τ = 0.25; τ = 0.6 gives a box that can actually move.
        "boxesLargestTau60": gp.localize(out["cam"], (512, 512), 0.6, "largest"),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "fixtures/golden/genpromp-sd-tiny-random.json")
    args = ap.parse_args(argv)
    args.out.write_text(json.dumps(golden()) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
