"""The pack's classifier (top-5 and CAM): logits [B, C] + features [B, K, h, w], with CAM's head [C, K].

- lite0: EfficientNet-Lite0, ImageNet-1k (what python/scripts/build_imagenet_lite0_pack.py exports);
- efficientnet-b7: timm's tf_efficientnet_b7 (GenPromp's classifier family; needs timm + torchvision);
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


class _LogitsAndFeatures(torch.nn.Module):
    def __init__(self, features, pool_head):
        super().__init__()
        self.features, self.pool_head = features, pool_head

    def forward(self, image):
        f = self.features(image)  # [B, K, h, w]
        return self.pool_head(f), f


def _export(out: Path, module, size: int, num_classes: int, channels: int, fs: int) -> dict:
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


def efficientnet_b7(out: Path, weights: Path | None) -> ClassifierExport:
    try:
        import timm
    except Exception as e:  # timm is installed --no-deps here; it needs torchvision to import
        raise SystemExit(f"--classifier efficientnet-b7 needs timm and torchvision importable ({e}); "
                         "pip install timm torchvision (versions matching your torch)") from e
    model = timm.create_model("tf_efficientnet_b7", pretrained=weights is None, num_classes=1000)
    if weights is not None:
        model.load_state_dict(torch.load(weights, map_location="cpu"))
    model.eval()
    size = 600
    cfg = model.default_cfg
    wrapped = _LogitsAndFeatures(model.forward_features, lambda f: model.forward_head(f))
    entry = _export(out, wrapped, size, 1000, model.num_features, size // 32)
    return ClassifierExport(entry, size, tuple(cfg["mean"]), tuple(cfg["std"]), model.get_classifier().weight.detach().numpy())


def tiny(out: Path, num_classes: int, seed: int = 0, size: int = 64) -> ClassifierExport:
    from ..models.classifier import Classifier, ClassifierConfig

    torch.manual_seed(seed)
    model = Classifier(ClassifierConfig(num_classes=num_classes, stage_channels=(8, 16, 16, 16), image_size=size)).eval()
    entry = _export(out, model, size, num_classes, 16, size // 8)
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
