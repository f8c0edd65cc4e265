"""Build public/models/sd-tiny-random: a few-MB pack with the exact SD 1.x architecture, random weights.

    .venv/bin/python python/scripts/build_sd_tiny_random_pack.py [--out public/models]
    .venv/bin/python -m wsolkit.pack rebuild sd-tiny-random

What it exercises: the whole SD export path (wsolkit.sd.export.write_pack) on seeded tiny
random models of the real architecture (wsolkit.sd.tiny): 512×512 input, 64×64 latent,
77 tokens, CLIP's real BPE tokenizer (rebuilt from open_clip's bpe_simple_vocab_16e6.txt.gz),
the six GenPromp attention maps (8×8 mid, 16×16 down_blocks[2] ×2, 16×16 up_blocks[1] ×3),
fp32/fp16/int8 variants, a user class list (dog, cat, bird, car, boat; concept tokens
<class-k>, meta word = the name) with concept rows from a synthetic checkpoint in GenPromp's
release format (meta row + seeded noise), and a tiny random CAM classifier (64×64 input).
The maps mean nothing (random weights): the pack is for tests and parity, not for use.
Not added to public/models/index.json. Deterministic: the same packages give byte-identical files.
"""
import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
import torch

from wsolkit.paths import ROOT
from wsolkit.sd import checkpoint, classes, classifier, export, tiny, tokenizer

PACK_ID = "sd-tiny-random"
LABEL = "SD 1.x architecture, tiny random weights (tests)"
CLASSES = ["dog", "cat", "bird", "car", "boat"]
SEED = 0
ROW_NOISE = 0.5  # concept row = meta row + N(0, 0.5²)·‖typical row‖: far enough from f_d that λ changes the maps

ATTRIBUTION = """# sd-tiny-random: attribution

The VAE, text encoder and UNet have Stable Diffusion 1.x's architecture (diffusers
AutoencoderKL / UNet2DConditionModel, transformers CLIPTextModel) at tiny widths with seeded
random weights made by python/scripts/build_sd_tiny_random_pack.py: no trained weights are
included. The classifier is a seeded random wsolkit GAP classifier.

The tokenizer is CLIP's BPE vocabulary (OpenAI CLIP, MIT licence, https://github.com/openai/CLIP),
read from `bpe_simple_vocab_16e6.txt.gz` as shipped in the PyPI package open_clip_torch (MIT).
"""


def tokenizer_folder(tmp: Path) -> Path:
    tokenizer.clip_bpe_files(tmp / "tokenizer")
    return tmp / "tokenizer"


def synthetic_checkpoint(folder: Path, class_list: list[dict], meta_rows: np.ndarray, seed: int = SEED) -> None:
    """tokens/{id}.bin in GenPromp's format: {concept token: FloatTensor[E]}, one file per class."""
    rng = np.random.default_rng(seed)
    (folder / "tokens").mkdir(parents=True, exist_ok=True)
    scale = float(np.linalg.norm(meta_rows, axis=1).mean() / np.sqrt(meta_rows.shape[1]))
    for k, c in enumerate(class_list):
        row = meta_rows[k] + rng.standard_normal(meta_rows.shape[1]).astype(np.float32) * ROW_NOISE * scale
        torch.save({c["conceptToken"]: torch.from_numpy(row.astype(np.float32))}, folder / "tokens" / f"{tokenizer.BASE_VOCAB + k}.bin")


def models(tmp: Path):
    """→ vae, text encoder, unet, tokenizer folder, class list, concept rows (all seeded)."""
    vae, text, unet = tiny.tiny_vae(SEED), tiny.tiny_text_encoder(SEED + 1), tiny.tiny_unet(SEED + 2)
    folder = tokenizer_folder(tmp)
    (tmp / "classes.txt").write_text("\n".join(CLASSES) + "\n")
    class_list = classes.user_classes(tmp / "classes.txt")
    slow = tokenizer.slow_tokenizer(folder)
    table = text.get_input_embeddings().weight.detach().numpy()
    meta_rows = np.stack([table[slow.encode(c["metaToken"], add_special_tokens=False)[-1]] for c in class_list])
    synthetic_checkpoint(tmp / "ckpt", class_list, meta_rows)
    rows, found = checkpoint.concept_rows(tmp / "ckpt" / "tokens", class_list, meta_rows)
    assert found == len(class_list)
    return vae, text, unet, folder, class_list, rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "public/models")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        vae, text, unet, folder, class_list, rows = models(Path(tmp))
        report = export.write_pack(
            args.out / PACK_ID, pack_id=PACK_ID, label=LABEL,
            description="Stable Diffusion 1.x's architecture at tiny widths with seeded random weights (text hidden size "
                        f"{text.config.hidden_size}, UNet channels {list(unet.config.block_out_channels)}), CLIP's real tokenizer, "
                        "5 classes with synthetic concept rows: for tests and parity checks; its maps and boxes mean nothing.",
            vae=vae, text_encoder=text, unet=unet, tokenizer_folder=folder, class_list=class_list, rows=rows,
            make_classifier=lambda out: classifier.tiny(out, len(CLASSES), seed=SEED + 3),
            attribution=ATTRIBUTION, spdx="MIT", license_notes="Random weights; CLIP's tokenizer (MIT). Credits in ATTRIBUTION.md.",
            script="python/scripts/build_sd_tiny_random_pack.py", variants=("fp32", "fp16", "int8"),
        )
    seconds = report.pop("export_seconds")
    out = args.out / PACK_ID
    total = sum(p.stat().st_size for p in out.iterdir())
    print(json.dumps(report, indent=2))
    print("export seconds:", {k: round(v, 1) for k, v in seconds.items()})
    print(f"wrote {out} ({total / 1e6:.2f} MB in all variants)")


if __name__ == "__main__":
    main()
