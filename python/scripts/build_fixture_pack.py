"""Build the random-weight fixture pack used by unit and e2e tests.

    .venv/bin/python python/scripts/build_fixture_pack.py

Deterministic (seed 0): tiny VAE encoder, CLIP-style text encoder, UNet and GAP
classifier of Stable Diffusion's architecture family, a word-level tokenizer,
random "learned" concept rows, plus synthetic sample images. Writes
public/models/fixture-tiny/, public/samples-fixture/, python/checkpoints/fixture-tiny.pt.
The weights are random: maps are meaningless but every code path is real.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from wsolkit import pack
from wsolkit.genpromp import TokenizerSpec
from wsolkit.models import VAE, Classifier, ClassifierConfig, TextEncoder, TextEncoderConfig, UNet, UNetConfig, VAEConfig
from wsolkit.paths import ROOT
from wsolkit.tokenizer import BOS, EOS, build_tokenizer

PACK_ID = "fixture-tiny"
CLASSES = [("dog", "Dog"), ("cat", "Cat"), ("bird", "Bird"), ("fish", "Fish"), ("car", "Car"), ("bus", "Bus")]
EXTRA_WORDS = ["animal", "vehicle"]
IMAGE_SIZE, CONTEXT = 128, 77


def build_models(seed: int, vocab: int, num_classes: int):
    torch.manual_seed(seed)
    vae = VAE(VAEConfig(block_channels=(16, 32, 32), groups=8))
    text = TextEncoder(TextEncoderConfig(vocab_size=vocab, context_length=CONTEXT, width=32, layers=2, heads=2, projection_dim=32))
    unet = UNet(UNetConfig(block_channels=(16, 32, 32), heads=2, cross_attention_dim=32, groups=8, sample_size=IMAGE_SIZE // 4))
    clf = Classifier(ClassifierConfig(num_classes=num_classes, stage_channels=(8, 16, 32, 32), image_size=IMAGE_SIZE))
    for m in (vae, text, unet, clf):
        m.eval()
    return vae, text, unet, clf


def sample_images(out_dir: Path, seed: int) -> list[dict]:
    """Coloured shapes on gradients, with exact boxes, for the gallery and tests."""
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    samples = []
    for i, (label, _) in enumerate(CLASSES[:4]):
        w, h = int(rng.integers(160, 320)), int(rng.integers(160, 320))
        yy, xx = np.mgrid[0:h, 0:w]
        c0, c1 = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        grad = (xx / w)[..., None] * c1 + (1 - xx / w)[..., None] * c0
        img = Image.fromarray((grad + rng.normal(0, 6, (h, w, 3))).clip(0, 255).astype(np.uint8))
        d = ImageDraw.Draw(img)
        bw, bh = int(w * rng.uniform(0.3, 0.6)), int(h * rng.uniform(0.3, 0.6))
        x0, y0 = int(rng.integers(0, w - bw)), int(rng.integers(0, h - bh))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        (d.ellipse if i % 2 == 0 else d.rectangle)([x0, y0, x0 + bw - 1, y0 + bh - 1], fill=colour)
        d.ellipse([x0 + bw // 4, y0 + bh // 4, x0 + bw // 4 + bw // 5, y0 + bh // 4 + bh // 5], fill=(20, 20, 20))
        name = f"{label}.png"
        img.save(out_dir / name, optimize=False)
        samples.append({"file": name, "label": label, "boxes": [[x0, y0, x0 + bw - 1, y0 + bh - 1]]})
    (out_dir / "index.json").write_text(json.dumps({"samples": samples}, indent=2) + "\n")
    return samples


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0, help="RNG seed for weights, concept rows and samples")
    ap.add_argument("--out", type=Path, default=ROOT / "public/models", help="models folder holding index.json")
    ap.add_argument("--samples", type=Path, default=ROOT / "public/samples-fixture", help="where its synthetic sample images go")
    ap.add_argument("--checkpoint", type=Path, default=ROOT / "python/checkpoints" / f"{PACK_ID}.pt", help="torch checkpoint path")
    args = ap.parse_args(argv)

    out = args.out / PACK_ID
    out.mkdir(parents=True, exist_ok=True)
    words = "a photo of the my one rendering rendition".split() + [c for c, _ in CLASSES] + EXTRA_WORDS
    concept_tokens = [f"<fixture-{i}>" for i in range(len(CLASSES))]
    tok, base_vocab = build_tokenizer(words, concept_tokens)
    tok.save(str(out / "tokenizer.json"))

    vae, text, unet, clf = build_models(args.seed, base_vocab, len(CLASSES))
    g = torch.Generator().manual_seed(args.seed + 1)
    concept_rows = (torch.randn(len(CLASSES), text.cfg.width, generator=g) * 0.5).numpy().astype(np.float32)
    (out / "concepts.f32").write_bytes(concept_rows.astype("<f4").tobytes())

    exported = pack.export_models(out, vae, text, unet, clf, IMAGE_SIZE, IMAGE_SIZE, CONTEXT)
    args.checkpoint.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "configs": {"vae": vae.cfg.to_dict(), "text": text.cfg.to_dict(), "unet": unet.cfg.to_dict(), "classifier": clf.cfg.to_dict()},
            "state": {"vae": vae.state_dict(), "text": text.state_dict(), "unet": unet.state_dict(), "classifier": clf.state_dict()},
            "concept_rows": torch.from_numpy(concept_rows),
        },
        args.checkpoint,
    )

    manifest = pack.build_manifest(
        out, pack_id=PACK_ID, label="Fixture (random weights)",
        description="Random-weight miniature of GenPromp's stack for tests: the maps are meaningless, every code path is real.",
        license={"spdx": "MIT", "attribution": None, "notes": "Generated weights and synthetic images; no third-party art."},
        script="python/scripts/build_fixture_pack.py", vae=vae, text_encoder=text, unet=unet,
        spec=TokenizerSpec(tok, CONTEXT, tok.token_to_id(BOS), tok.token_to_id(EOS), tok.token_to_id(EOS)),
        classes=[{"name": n, "displayName": d, "conceptToken": concept_tokens[i]} for i, (n, d) in enumerate(CLASSES)],
        concept_rows=concept_rows, image_size=IMAGE_SIZE, classifier_size=IMAGE_SIZE, classifier_mean=[0.5] * 3, classifier_std=[0.25] * 3,
        exported=exported,
    )
    pack.write_manifest(out, manifest)
    pack.update_index(args.out, PACK_ID, manifest["label"])
    sample_images(args.samples, args.seed)
    total = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {out} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
