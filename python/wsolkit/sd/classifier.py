"""The pack's classifier (top-5 and CAM): logits [B, C] + features [B, K, h, w], with CAM's head [C, K].

- lite0: EfficientNet-Lite0, ImageNet-1k (what python/scripts/build_imagenet_lite0_pack.py exports);
- efficientnet-b7: timm's tf_efficientnet_b7.ap_in1k (GenPromp's classifier; needs timm + torchvision; not run here);
- tiny: a seeded random wsolkit GAP classifier (test packs).
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .. import pack, quantize
from ..paths import ROOT
from . import onnx_io


@dataclass
class ClassifierExport:
    entry: dict  # the manifest's models.classifier (fp32 variant only)
    size: int
    mean: tuple
    std: tuple
    head: np.ndarray  # [C, K]


class _TimmLogitsAndFeatures(torch.nn.Module):
    """A timm model with two outputs: logits (its own pool + classifier) and the last feature map (CAM's layer)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, image):
        f = self.model.forward_features(image)  # [B, K, h, w]
        return self.model.forward_head(f), f


def _export(out: Path, module, size: int, num_classes: int) -> dict:
    with torch.no_grad():
        _, f = module(torch.zeros(1, 3, size, size))  # the feature map's size (TF "same" padding rounds up)
    channels, fs = f.shape[1], f.shape[2]
    inputs = [pack.tensor_spec("image", "float32", ["batch", 3, size, size])]
    outputs = [pack.tensor_spec("logits", "float32", ["batch", num_classes]), pack.tensor_spec("features", "float32", ["batch", channels, fs, fs])]
    path = out / "classifier.onnx"
    shards = onnx_io.export(module, (torch.zeros(1, 3, size, size),), path, inputs, outputs)
    return {"role": "classifier", "inputs": inputs, "outputs": outputs, "variants": [onnx_io.variant(out, path, shards)]}


def lite0(out: Path) -> ClassifierExport:
    spec = importlib.util.spec_from_file_location("build_imagenet_lite0_pack", ROOT / "python/scripts/build_imagenet_lite0_pack.py")
    b = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(b)
    model = b.load_lite0()
    entry = b.export(out, model)
    return ClassifierExport(entry, b.IMAGE_SIZE, b.MEAN, b.STD, model._fc.weight.detach().numpy())


def efficientnet_b7(out: Path, weights: Path | None, num_classes: int = 1000) -> ClassifierExport:
    try:
        import timm
    except Exception as e:  # timm is installed --no-deps here; it needs torchvision to import
        raise SystemExit(f"--classifier efficientnet-b7 needs timm and torchvision importable ({e}); "
                         "pip install timm torchvision (versions matching your torch)") from e
    if weights is None and num_classes != 1000:
        raise SystemExit(f"--classifier efficientnet-b7 without --classifier-weights is timm's ImageNet-1k model; this pack has "
                         f"{num_classes} classes: give a state dict of a {num_classes}-class EfficientNet-B7 (e.g. finetuned on CUB)")
    # AdvProp weights: GenPromp's ImageNet scores come from mmcls' efficientnet-b7 "advprop" model.
    model = timm.create_model("tf_efficientnet_b7.ap_in1k", pretrained=weights is None, num_classes=num_classes)
    if weights is not None:
        model.load_state_dict(torch.load(weights, map_location="cpu"))
    model.eval()
    cfg = model.pretrained_cfg
    size = cfg["input_size"][-1]
    entry = _export(out, _TimmLogitsAndFeatures(model), size, num_classes)
    return ClassifierExport(entry, size, tuple(cfg["mean"]), tuple(cfg["std"]), model.get_classifier().weight.detach().numpy())


def tiny(out: Path, num_classes: int, seed: int = 0, size: int = 64) -> ClassifierExport:
    from ..models.classifier import Classifier, ClassifierConfig

    torch.manual_seed(seed)
    model = Classifier(ClassifierConfig(num_classes=num_classes, stage_channels=(8, 16, 16, 16), image_size=size)).eval()
    entry = _export(out, model, size, num_classes)
    return ClassifierExport(entry, size, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225), model.head.weight.detach().numpy())


def add_variants(out: Path, entry: dict, report: dict) -> None:
    """int8 (wasm) and fp16 (WebGPU + shader-f16) classifier variants, checked against fp32."""
    fp32 = out / entry["variants"][0]["path"]
    q8, h16 = out / "classifier.int8.onnx", out / "classifier.fp16.onnx"
    quantize.int8_weights(fp32, q8)
    quantize.fp16(fp32, h16)
    report["classifier"] = {"fp32_bytes": fp32.stat().st_size, "int8_bytes": q8.stat().st_size, "fp16_bytes": h16.stat().st_size,
                            "int8_max_abs_diff": quantize.max_abs_diff(fp32, q8), "fp16_max_abs_diff": quantize.max_abs_diff(fp32, h16)}
    entry["variants"] += [pack.variant(out, q8, "int8", backends=("wasm",)),
                          pack.variant(out, h16, "fp16", backends=("webgpu",), requires=("shader-f16",))]
