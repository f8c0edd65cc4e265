"""Golden run of the browser's textual inversion (wsolkit.teach.invert_concept), for its tfjs trainer.

    .venv/bin/python python/scripts/write_teach_inversion_golden.py   # → fixtures/golden/teach-inversion.json

The toy pack's own models, read from the committed combined checkpoint: the text encoder and the
UNet before finetuning (the pack's unet_teach.onnx). Three seeded synthetic images (numpy seed 0: a
plain background and an ellipse) give the VAE posteriors; the starting word is "animal". Records:
- step 0's draws (images, templates, timesteps, flips) and its loss and d loss / d row (PyTorch
  autograd), at batch 2;
- ten AdamW steps of stage 1 at batch 2 with augmentation (flips) off: each step's loss and the
  final row.
src/shared/teach/inversion.test.ts follows it.
"""
import argparse
import base64
import json
from pathlib import Path

import numpy as np
import torch

from wsolkit import pack
from wsolkit.checkpoint import load_model
from wsolkit.paths import ROOT
from wsolkit.scheduler import alphas_cumprod
from wsolkit.teach import InversionConfig, inversion_loss, invert_concept, step_draws
from wsolkit.train import text as words

WORD, IMAGES, BATCH, STEPS = "animal", 3, 2, 10


def floats(a) -> list:
    return [float(f"{v:.9g}") for v in np.asarray(a, np.float32).ravel()]


def b64(a) -> str:
    """Little-endian float32, base64: the posteriors are 24k values."""
    return base64.b64encode(np.asarray(a, "<f4").tobytes()).decode()


def synthetic_images(n: int, size: int) -> torch.Tensor:
    """[n, 3, size, size] in [-1, 1]: a plain background and one ellipse each (numpy seed 0)."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size] / size
    out = []
    for _ in range(n):
        bg, fg = rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 3)
        cy, cx, ry, rx = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7), rng.uniform(0.15, 0.3), rng.uniform(0.15, 0.3)
        inside = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
        out.append(np.where(inside[None], fg[:, None, None], bg[:, None, None]))
    return torch.from_numpy(np.stack(out).astype(np.float32))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "fixtures/golden/teach-inversion.json")
    ap.add_argument("--checkpoint", type=Path, default=ROOT / "python/checkpoints/toyworld.pt")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    ck = torch.load(args.checkpoint, map_location="cpu")
    vae, text = load_model("vae", ck), load_model("text_encoder", ck)
    unet = load_model("unet", ck, entry="unet_base")
    for m in (vae, text, unet):
        m.requires_grad_(False)
    spec = words.build_spec()
    word_id = spec.tokenizer.token_to_id(WORD)
    template_ids = words.ids(spec, [t.format(WORD) for t in pack.PROMPT_TEMPLATES])
    size = unet.cfg.sample_size * vae.cfg.downsample
    with torch.no_grad():
        mean, logvar = vae.encode(synthetic_images(IMAGES, size))
    acp = torch.from_numpy(alphas_cumprod())
    scaling = vae.cfg.scaling_factor
    row0 = text.token_embedding.weight[word_id].detach().clone()
    numel = int(np.prod(mean.shape[1:]))

    cfg = InversionConfig(steps=STEPS, batch=BATCH, flip=False, seed=0)
    d0 = step_draws(cfg.seed, 0, BATCH, IMAGES, len(template_ids), numel)
    row = row0.clone().requires_grad_(True)
    loss0 = inversion_loss(text, unet, row, d0, mean, logvar, scaling, acp, template_ids, word_id, spec.pad_id, flip=False)
    (grad0,) = torch.autograd.grad(loss0, row)
    final, losses = invert_concept(text, unet, row0, mean, logvar, scaling, acp, template_ids, word_id, spec.pad_id, cfg)

    out = {
        "word": WORD, "wordId": word_id, "padId": spec.pad_id, "templateIds": template_ids.tolist(),
        "scaling": scaling, "latentShape": list(mean.shape), "latentMean": b64(mean), "latentLogvar": b64(logvar),
        "config": {"steps": cfg.steps, "batch": cfg.batch, "lr": cfg.lr, "weightDecay": cfg.weight_decay, "flip": cfg.flip, "seed": cfg.seed},
        "row0": floats(row0),
        "step0": {"images": d0.images, "templates": d0.templates, "timesteps": d0.timesteps, "flips": d0.flips,
                  "posteriorHead": floats(d0.posterior[:4]), "epsHead": floats(d0.eps[:4]),
                  "loss": float(f"{float(loss0):.9g}"), "grad": floats(grad0)},
        "losses": [float(f"{v:.9g}") for v in losses], "row": floats(final),
    }
    args.out.write_text(json.dumps(out) + "\n")
    print(f"wrote {args.out}: loss {losses[0]:.4f} → {losses[-1]:.4f} over {STEPS} steps; "
          f"|grad| {float(grad0.norm()):.3e}; row moved {float((final - row0).norm()):.4f}")


if __name__ == "__main__":
    main()
