"""Export a Stable Diffusion 1.x model (optionally with a GenPromp checkpoint) as a wsol-lab pack.

    python -m wsolkit.sd.export --sd <diffusers SD 1.x folder or hub id> [--genpromp <ckpt folder>]
        [--preset imagenet | --preset cub [--cub-classes classes.txt] | --classes classes.txt]
        [--classifier lite0|efficientnet-b7] --out <pack dir> [--variants fp32,fp16,int8] [--all-tokens] [--full-unet]

Writes into --out: vae_encoder / text_encoder / unet ONNX (fp32 always; fp16 and int8 when
asked), tokenizer.json (SD's CLIP BPE + the concept tokens), concepts.f32 (the concept
rows, [classes, 768]), the classifier, cam_head.f32, ATTRIBUTION.md, variants.json
(sizes and fp32-vs-variant differences) and manifest.json (via wsolkit.pack.build_manifest).
A hub id needs network access (from_pretrained); a local folder does not.
Without --genpromp the concept rows are the meta tokens' own input-embedding rows
(f_r = f_d: GenPromp's stage-1 initialisation, no learned concepts) and the manifest says so.
"""
from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch
from tokenizers import Tokenizer

from .. import genpromp as gp
from .. import pack, quantize
from . import checkpoint, classes, classifier, onnx_io, tokenizer
from .text_encoder import CLIPTextExport
from .unet import UNetExport
from .vae import VAEEncoderExport

SCALING = 0.18215
IMAGE_SIZE = 512
CONTEXT = 77
THRESHOLDS = {"imagenet": 0.25, "cub": 0.23}  # GenPromp's (TS-CAM's) evaluation thresholds

SD_LICENSE = """## Stable Diffusion weights

The VAE encoder, text encoder and UNet are exported from {sd} (diffusers layout). Stable
Diffusion v1 weights are released under the CreativeML OpenRAIL-M licence
(https://huggingface.co/spaces/CompVis/stable-diffusion-license), whose use restrictions
(Attachment A) apply to these derived files too. The text encoder is OpenAI's CLIP ViT-L/14
text tower; the tokenizer is CLIP's BPE vocabulary (MIT, https://github.com/openai/CLIP).
"""
GENPROMP_LICENSE = """## GenPromp checkpoint

The concept rows (concepts.f32) and, when the checkpoint has unet/, the UNet weights come from
the GenPromp checkpoint {ckpt} (Zhao et al., "Generative Prompt Model for Weakly Supervised
Object Localization", ICCV 2023, https://github.com/callsys/GenPromp). The repository's LICENSE
file (at its latest commit, c480e0a) is the Apache License 2.0 (an earlier README, at 00f69f3, said
MIT); it states no separate terms for the released checkpoints, so treat them as under the
repository's licence. A finetuned UNet is derived from Stable Diffusion's weights, so
the CreativeML OpenRAIL-M terms above apply to it as well.
"""


def load_sd(sd: str):
    """→ (vae, text_encoder, unet, tokenizer folder) from a diffusers SD 1.x folder or hub id."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextModel

    vae = AutoencoderKL.from_pretrained(sd, subfolder="vae").eval()
    text = CLIPTextModel.from_pretrained(sd, subfolder="text_encoder").eval()
    unet = UNet2DConditionModel.from_pretrained(sd, subfolder="unet").eval()
    folder = Path(sd) / "tokenizer"
    if not folder.is_dir():
        from huggingface_hub import snapshot_download

        folder = Path(snapshot_download(sd, allow_patterns=["tokenizer/*"])) / "tokenizer"
    return vae, text, unet, folder


def export_diffusion(out: Path, vae, text_encoder, unet, all_tokens=False, full_unet=False) -> tuple[dict, list[dict], dict]:
    """fp32 ONNX of the three diffusion models → (models entries, unetAttention, export seconds)."""
    D = text_encoder.config.hidden_size
    E = text_encoder.get_input_embeddings().embedding_dim
    lat = IMAGE_SIZE // 8
    models, seconds = {}, {}

    t0 = time.perf_counter()
    vin = [pack.tensor_spec("image", "float32", ["batch", 3, IMAGE_SIZE, IMAGE_SIZE])]
    vout = [pack.tensor_spec(n, "float32", ["batch", 4, lat, lat]) for n in ("latent_mean", "latent_logvar")]
    shards = onnx_io.export(VAEEncoderExport(vae), (torch.zeros(1, 3, IMAGE_SIZE, IMAGE_SIZE),), out / "vae_encoder.onnx", vin, vout)
    models["vae_encoder"] = {"role": "vae_encoder", "inputs": vin, "outputs": vout, "variants": [onnx_io.variant(out, out / "vae_encoder.onnx", shards)]}
    seconds["vae_encoder"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    tin = [pack.tensor_spec("input_ids", "int32", ["batch", CONTEXT]), pack.tensor_spec("override_embeds", "float32", ["batch", CONTEXT, E]),
           pack.tensor_spec("override_mask", "float32", ["batch", CONTEXT])]
    tout = [pack.tensor_spec("last_hidden_state", "float32", ["batch", CONTEXT, D])]
    targs = (torch.zeros(1, CONTEXT, dtype=torch.int32), torch.zeros(1, CONTEXT, E), torch.zeros(1, CONTEXT))
    shards = onnx_io.export(CLIPTextExport(text_encoder), targs, out / "text_encoder.onnx", tin, tout)
    models["text_encoder"] = {"role": "text_encoder", "inputs": tin, "outputs": tout, "variants": [onnx_io.variant(out, out / "text_encoder.onnx", shards)]}
    seconds["text_encoder"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    wrapper = UNetExport(unet, lat, full=full_unet, all_tokens=all_tokens)
    uin = [pack.tensor_spec("sample", "float32", ["batch", 4, lat, lat]), pack.tensor_spec("timestep", "float32", ["batch"]),
           pack.tensor_spec("encoder_hidden_states", "float32", ["batch", CONTEXT, D]), pack.tensor_spec("token_weights", "float32", ["batch", CONTEXT])]
    uout = [pack.tensor_spec(a.output, "float32", ["batch", a.resolution**2]) for a in wrapper.layers]
    if all_tokens:
        uout += [pack.tensor_spec(a.output + "_tokens", "float32", ["batch", a.resolution**2, CONTEXT]) for a in wrapper.layers]
    if full_unet:
        uout.append(pack.tensor_spec("noise_pred", "float32", ["batch", 4, lat, lat]))
    uargs = (torch.zeros(1, 4, lat, lat), torch.zeros(1), torch.zeros(1, CONTEXT, D), torch.zeros(1, CONTEXT))
    shards = onnx_io.export(wrapper, uargs, out / "unet.onnx", uin, uout)
    models["unet"] = {"role": "unet", "inputs": uin, "outputs": uout, "variants": [onnx_io.variant(out, out / "unet.onnx", shards)]}
    seconds["unet"] = time.perf_counter() - t0
    attention = [{"output": a.output, "resolution": a.resolution, "block": a.kind, "blockIndex": a.block, "layer": a.layer, "heads": a.heads}
                 for a in wrapper.layers]
    return models, attention, seconds


# fp16 keeps these in fp32 (besides onnxconverter-common's defaults): normalisations and softmax overflow in fp16.
FP16_KEEP = ("LayerNormalization", "InstanceNormalization", "GroupNormalization", "Softmax", "ReduceMean", "Pow", "Sqrt")


def add_variants(out: Path, models: dict, wanted: set[str], report: dict) -> None:
    """int8 (wasm; weights only) and fp16 (WebGPU + shader-f16) variants of the diffusion models, checked against fp32."""
    for role in ("vae_encoder", "text_encoder", "unet"):
        fp32 = out / models[role]["variants"][0]["path"]
        r = report.setdefault(role, {"fp32_bytes": fp32.stat().st_size + sum(e["bytes"] for e in models[role]["variants"][0]["externalData"])})
        if "int8" in wanted:
            q8 = out / f"{role}.int8.onnx"
            r["int8_tensors"] = quantize.int8_weights(fp32, q8, gather=True)
            r["int8_bytes"], r["int8_max_abs_diff"] = q8.stat().st_size, quantize.max_abs_diff(fp32, q8)
            models[role]["variants"].append(pack.variant(out, q8, "int8", backends=("wasm",)))
        if "fp16" in wanted:
            h16 = out / f"{role}.fp16.onnx"
            quantize.fp16(fp32, h16, keep_fp32_ops=FP16_KEEP)
            r["fp16_bytes"], r["fp16_max_abs_diff"] = h16.stat().st_size, quantize.max_abs_diff(fp32, h16)
            models[role]["variants"].append(pack.variant(out, h16, "fp16", backends=("webgpu",), requires=("shader-f16",)))


def write_pack(out: Path, *, pack_id: str, label: str, description: str, vae, text_encoder, unet, tokenizer_folder: Path,
               class_list: list[dict], rows: np.ndarray, make_classifier, attribution: str, spdx: str,
               license_notes: str, script: str, variants=("fp32",), all_tokens=False, full_unet=False, threshold=0.25) -> dict:
    """Write the whole pack into `out` (emptied first) → variants.json's report (plus export seconds).

    make_classifier(out) exports the classifier's fp32 graph into the pack folder (classifier.py)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tok_json = tokenizer.tokenizer_json(tokenizer_folder, [c["conceptToken"] for c in class_list])
    (out / "tokenizer.json").write_text(tok_json)
    spec = gp.TokenizerSpec(Tokenizer.from_str(tok_json), CONTEXT, tokenizer.BOS_ID, tokenizer.EOS_ID, tokenizer.PAD_ID)
    (out / "ATTRIBUTION.md").write_text(attribution)
    pack.write_f32(out, "concepts.f32", rows)

    models, attention, seconds = export_diffusion(out, vae, text_encoder, unet, all_tokens, full_unet)
    clf = make_classifier(out)
    models["classifier"] = clf.entry
    report: dict = {}
    wanted = set(variants)
    add_variants(out, models, wanted, report)
    if wanted & {"int8", "fp16"}:
        classifier.add_variants(out, clf.entry, report)
    (out / "variants.json").write_text(json.dumps(report, indent=2) + "\n")
    head = pack.write_f32(out, "cam_head.f32", clf.head)

    D = text_encoder.config.hidden_size
    manifest = pack.build_manifest(
        out, pack_id=pack_id, label=label, description=description,
        license={"spdx": spdx, "attribution": pack.file_ref(out, out / "ATTRIBUTION.md"), "notes": license_notes},
        script=script, classes=[{k: c[k] for k in ("name", "displayName", "metaToken", "conceptToken")} for c in class_list],
        classifier_size=clf.size, classifier_mean=clf.mean, classifier_std=clf.std,
        exported={"models": {r: models[r] for r in ("vae_encoder", "text_encoder", "unet", "classifier")}, "unetAttention": attention},
        # build_manifest reads these few numbers from the miniature models' configs; SD's, stated here.
        vae=SimpleNamespace(cfg=SimpleNamespace(scaling_factor=SCALING, latent_channels=4)),
        text_encoder=SimpleNamespace(cfg=SimpleNamespace(width=D)),
        unet=SimpleNamespace(cfg=SimpleNamespace(sample_size=IMAGE_SIZE // 8)),
        spec=spec, concept_rows=rows, image_size=IMAGE_SIZE, threshold=threshold,
        baselines={"cam": {"featureOutput": "features", "head": head}, "lpcam": None, "sat": None},
    )
    check_token_position(spec, manifest)
    pack.write_manifest(out, manifest)
    return {**report, "export_seconds": seconds}


def check_token_position(spec, manifest: dict) -> None:
    """Every template puts every meta and concept token as one token at genpromp.tokenPosition (as the app checks on load)."""
    pos = manifest["genpromp"]["tokenPosition"]
    for t in manifest["promptTemplates"]:
        for c in manifest["classes"]:
            for w in (c["metaToken"], c["conceptToken"]):
                got = gp.slot_positions(spec, t, w)
                if got != [pos]:
                    raise ValueError(f'"{t}" with "{w}": the word lands at tokens {got}, not [{pos}] (GenPromp reads index {pos})')


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m wsolkit.sd.export", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sd", required=True, help="diffusers SD 1.x folder (vae/, text_encoder/, unet/, tokenizer/) or hub id (online only)")
    ap.add_argument("--genpromp", type=Path, help="GenPromp checkpoint folder: tokens/{id}.bin and unet/")
    ap.add_argument("--preset", choices=("imagenet", "cub"))
    ap.add_argument("--cub-classes", type=Path, help="CUB's classes.txt (\"1 001.Black_footed_Albatross\"); default names cub-0..199")
    ap.add_argument("--classes", type=Path, help="own class list: one `name` or `name<TAB>meta word` per line; concept tokens <class-k>")
    ap.add_argument("--classifier", choices=("lite0", "efficientnet-b7", "tiny-random"), default="lite0",
                    help="lite0: EfficientNet-Lite0 ImageNet-1k (imagenet preset only); efficientnet-b7 via timm; tiny-random: tests only")
    ap.add_argument("--classifier-weights", type=Path, help="efficientnet-b7 state dict (else timm downloads its own)")
    ap.add_argument("--out", type=Path, required=True, help="pack folder (replaced)")
    ap.add_argument("--id", help="pack id (default: the out folder's name)")
    ap.add_argument("--label", help="pack label")
    ap.add_argument("--variants", default="fp32,fp16,int8")
    ap.add_argument("--all-tokens", action="store_true", help="also output every token's head-averaged map per layer (<name>_tokens [B, r·r, 77])")
    ap.add_argument("--full-unet", action="store_true", help="export the whole UNet (all up blocks, conv_out) with noise_pred as an extra output")
    args = ap.parse_args(argv)
    if (args.preset is None) == (args.classes is None):
        ap.error("give exactly one of --preset and --classes")
    if args.classifier == "lite0" and args.preset != "imagenet":
        ap.error("--classifier lite0 is an ImageNet-1k classifier: only with --preset imagenet")
    torch.set_num_threads(1)

    vae, text, unet, tok_folder = load_sd(args.sd)
    slow = tokenizer.slow_tokenizer(tok_folder)
    notes = []
    if args.preset == "imagenet":
        class_list = classes.imagenet_classes(slow)
    elif args.preset == "cub":
        class_list, named = classes.cub_classes(args.cub_classes)
        if not named:
            notes.append("CUB class names not given: classes are named cub-0 … cub-199")
    else:
        class_list = classes.user_classes(args.classes)
    table = text.get_input_embeddings().weight.detach().numpy()
    meta_rows = np.stack([table[slow.encode(c["metaToken"], add_special_tokens=False)[-1]] for c in class_list])
    if args.genpromp:
        rows, found = checkpoint.concept_rows(args.genpromp / "tokens", class_list, meta_rows)
        if (args.genpromp / "unet").is_dir():
            unet = checkpoint.load_unet(args.genpromp / "unet")
        what = f"GenPromp checkpoint {args.genpromp.name}: {found} of {len(class_list)} learned concept rows" + \
               (", finetuned UNet" if (args.genpromp / "unet").is_dir() else "")
    else:
        rows = meta_rows
        what = "no GenPromp checkpoint: each concept row is its meta token's input embedding, so f_r = f_d (λ has no effect)"
    attribution = "# Attribution\n\n" + SD_LICENSE.format(sd=args.sd) + (GENPROMP_LICENSE.format(ckpt=args.genpromp.name) if args.genpromp else "")
    description = f"Stable Diffusion 1.x ({args.sd}) for GenPromp; {what}; classifier {args.classifier}." + (" " + "; ".join(notes) if notes else "")
    if args.classifier == "lite0":
        make_classifier = classifier.lite0
    elif args.classifier == "tiny-random":
        make_classifier = lambda out: classifier.tiny(out, len(class_list))
    else:
        make_classifier = lambda out: classifier.efficientnet_b7(out, args.classifier_weights, len(class_list))
    report = write_pack(args.out, pack_id=args.id or args.out.name, label=args.label or f"Stable Diffusion ({args.out.name})",
                        description=description, vae=vae, text_encoder=text, unet=unet, tokenizer_folder=tok_folder,
                        class_list=class_list, rows=rows, make_classifier=make_classifier, attribution=attribution,
                        spdx="CreativeML-OpenRAIL-M", license_notes="SD weights CreativeML OpenRAIL-M; see ATTRIBUTION.md",
                        script="python -m wsolkit.sd.export", variants=args.variants.split(","), all_tokens=args.all_tokens,
                        full_unet=args.full_unet, threshold=THRESHOLDS.get(args.preset, 0.25))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
