"""Assemble the trained toy-world stages into the app's default pack.

    .venv/bin/python python/scripts/build_toyworld_pack.py [--selection docs/results/toyworld-selection.json]
    .venv/bin/python python/scripts/build_toyworld_pack.py --from-checkpoint --selection docs/results/toyworld-selection.json

The second form rebuilds the pack from the committed python/checkpoints/toyworld.pt alone
(a fresh clone has no stage checkpoints) and must reproduce public/models/toyworld/ byte for byte.

Reads python/checkpoints/toyworld/{vae,text_encoder,unet,unet_finetuned,concepts,classifier,sat,lpcam}.pt
(one command per stage: docs/training-toyworld.md) and writes
- python/checkpoints/toyworld.pt: every model with its config (the reference that
  `python -m wsolkit.evaluate` and the TS parity goldens use), plus the UNet before
  stage-2 finetuning for the ablation;
- public/models/toyworld/: manifest, tokenizer, concept rows, CAM's head and LPCAM's
  prototypes (float32 files), ATTRIBUTION.md and each
  model as fp32, int8 weight-only (wasm) and fp16 (WebGPU with shader-f16), each variant
  checked against fp32 in onnxruntime;
- public/models/index.json with toyworld as the default pack.
Deterministic: the same checkpoints give byte-identical files.
"""
import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import torch

from wsolkit import pack, quantize
from wsolkit.checkpoint import load_model, load_stage
from wsolkit.paths import ROOT, STAGES
from wsolkit.train import text as words

PACK_ID = "toyworld"
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


def assemble(out_ckpt: Path):
    vae, vae_ck = load_stage("vae")
    text, _ = load_stage("text_encoder")
    unet_base, _ = load_stage("unet")
    unet, _ = load_stage("unet", STAGES / "unet_finetuned.pt")
    clf, clf_ck = load_stage("classifier")
    sat, sat_ck = load_stage("sat")
    lpcam = torch.load(STAGES / "lpcam.pt")
    concepts = torch.load(STAGES / "concepts.pt")
    classes = concepts["classes"]
    for name, other in (("classifier", clf_ck["classes"]), ("SAT", sat_ck["classes"]), ("LPCAM prototypes", lpcam["classes"])):
        assert classes == other, f"{name} and concept rows disagree on the class order"
    assert tuple(sat_ck["mean"]) == tuple(clf_ck["mean"]) and tuple(sat_ck["std"]) == tuple(clf_ck["std"]), "SAT must take the classifier's input"
    torch.save({
        "configs": {"vae": vae.cfg.to_dict(), "text": text.cfg.to_dict(), "unet": unet.cfg.to_dict(), "classifier": clf.cfg.to_dict(),
                    "sat": sat.cfg.to_dict()},
        "state": {"vae": vae.state_dict(), "text": text.state_dict(), "unet": unet.state_dict(), "classifier": clf.state_dict(),
                  "unet_base": unet_base.state_dict(), "sat": sat.state_dict()},
        "concept_rows": concepts["rows"], "classes": classes,
        "classifier_norm": {"mean": list(clf_ck["mean"]), "std": list(clf_ck["std"])},
        "lpcam": {"settings": lpcam["settings"], "prototypes": [{"class": p["class"], "context": p["context"]} for p in lpcam["prototypes"]]},
    }, out_ckpt)
    return vae, text, unet, clf, sat, lpcam, concepts["rows"].numpy().astype(np.float32), classes, clf_ck


def from_combined(path: Path):
    """The same models and data as `assemble`, read back from the combined checkpoint it wrote
    (committed, unlike the per-stage checkpoints), so a fresh clone can rebuild the pack."""
    ck = torch.load(path, map_location="cpu")
    vae, text, unet, clf, sat = (load_model(k, ck) for k in ("vae", "text_encoder", "unet", "classifier", "sat"))
    clf_ck = {"mean": tuple(ck["classifier_norm"]["mean"]), "std": tuple(ck["classifier_norm"]["std"])}
    return vae, text, unet, clf, sat, ck["lpcam"], ck["concept_rows"].numpy().astype(np.float32), ck["classes"], clf_ck


def toyworld_manifest(out: Path, vae, text, unet, spec, classes, rows, clf, clf_ck, exported, baselines, lam, threshold) -> dict:
    size = clf.cfg.image_size
    return pack.build_manifest(
        out, pack_id=PACK_ID, label="Toy world (trained here)",
        description="A miniature of GenPromp's whole stack (VAE, CLIP-style text encoder, UNet, GAP classifier) and the CAM, LPCAM and SAT baselines, trained on CPU "
                    "on the toy world: 30 animals and vehicles drawn in openly licensed emoji styles. Test styles are never seen in training.",
        license={"spdx": "MIT", "attribution": pack.file_ref(out, out / "ATTRIBUTION.md"),
                 "notes": "Weights trained on Apache-2.0, MIT and CC BY 4.0 art; credits in ATTRIBUTION.md."},
        script="python/scripts/build_toyworld_pack.py", vae=vae, text_encoder=text, unet=unet, spec=spec,
        classes=[{"name": c, "displayName": DISPLAY.get(c, c.capitalize()), "conceptToken": words.concept_token(c)} for c in classes],
        concept_rows=rows, image_size=size, classifier_size=size, classifier_mean=clf_ck["mean"], classifier_std=clf_ck["std"],
        exported=exported, lam=lam, threshold=threshold, baselines=baselines,
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "public/models")
    ap.add_argument("--checkpoint", type=Path, default=ROOT / "python/checkpoints/toyworld.pt",
                    help="combined checkpoint: written from the stage checkpoints, or read with --from-checkpoint")
    ap.add_argument("--from-checkpoint", action="store_true",
                    help="rebuild the pack from the committed combined --checkpoint instead of the (gitignored) stage checkpoints")
    ap.add_argument("--lambda", dest="lam", type=float, default=0.6, help="default λ (the paper's) when no --selection is given")
    ap.add_argument("--threshold", type=float, default=0.25, help="default τ (the paper's ImageNet value) when no --selection is given")
    ap.add_argument("--selection", type=Path, help="JSON from `python -m wsolkit.evaluate --select-on-val`: λ and τ chosen on validation")
    args = ap.parse_args(argv)
    if args.selection:
        chosen = json.loads(args.selection.read_text())
        args.lam, args.threshold = chosen["lambda"], chosen["threshold"]

    out = args.out / PACK_ID
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if args.from_checkpoint:
        vae, text, unet, clf, sat, lpcam, rows, classes, clf_ck = from_combined(args.checkpoint)
    else:
        vae, text, unet, clf, sat, lpcam, rows, classes, clf_ck = assemble(args.checkpoint)
    spec = words.build_spec()
    spec.tokenizer.save(str(out / "tokenizer.json"))
    (out / "concepts.f32").write_bytes(rows.astype("<f4").tobytes())
    (out / "ATTRIBUTION.md").write_text(ATTRIBUTION)
    size = clf.cfg.image_size
    exported = pack.export_models(out, vae, text, unet, clf, size, size, spec.context_length)
    exported["models"]["sat"] = pack.export_sat(out, sat)
    baselines = pack.baselines_manifest(out, clf, lpcam, sat)

    report = {}
    for role, spec_m in exported["models"].items():
        fp32 = out / spec_m["variants"][0]["path"]
        q8 = fp32.with_name(fp32.stem + ".int8.onnx")
        n = quantize.int8_weights(fp32, q8)
        h16 = fp32.with_name(fp32.stem + ".fp16.onnx")
        quantize.fp16(fp32, h16)
        report[role] = {"fp32_bytes": fp32.stat().st_size, "int8_bytes": q8.stat().st_size, "int8_tensors": n, "int8_max_abs_diff": quantize.max_abs_diff(fp32, q8),
                        "fp16_bytes": h16.stat().st_size, "fp16_max_abs_diff": quantize.max_abs_diff(fp32, h16)}
        # fp32 first: the variant chooser falls back to it on any backend.
        spec_m["variants"] = [spec_m["variants"][0],
                              pack.variant(out, q8, "int8", backends=("wasm",)),
                              pack.variant(out, h16, "fp16", backends=("webgpu",), requires=("shader-f16",))]
    (out / "variants.json").write_text(json.dumps(report, indent=2) + "\n")

    manifest = toyworld_manifest(out, vae, text, unet, spec, classes, rows, clf, clf_ck, exported, baselines, args.lam, args.threshold)
    pack.write_manifest(out, manifest)
    pack.update_index(args.out, PACK_ID, manifest["label"], make_default=True)
    total = sum(p.stat().st_size for p in out.iterdir())
    print(json.dumps(report, indent=2))
    print(f"wrote {out} ({total / 1e6:.2f} MB in all variants)")


if __name__ == "__main__":
    main()
