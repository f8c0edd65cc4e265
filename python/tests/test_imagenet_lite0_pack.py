"""The imagenet-lite0 photo pack: the ONNX export matches PyTorch, the weights recognise a real cat, the pack rebuilds identically."""
import hashlib
import importlib.util
import json
import subprocess
import sys

import numpy as np
import onnxruntime as ort
import pytest
import torch
from PIL import Image

from conftest import ROOT, assert_golden_close

PACK = ROOT / "public/models/imagenet-lite0"
# scikit-image's "chelsea" (CC0), copied for the e2e spec.
CHELSEA = ROOT / "e2e/fixtures/images/chelsea.png"
# ImageNet-1k's domestic-cat classes (WordNet synsets): tabby, tiger cat, Persian, Siamese, Egyptian cat.
DOMESTIC_CATS = {"n02123045", "n02123159", "n02123394", "n02123597", "n02124075"}
# fp32 ONNX vs PyTorch on one image (onnxruntime CPU vs torch CPU): measured 4e-6 on the logits and
# 2e-5 on the features (ReLU6-bounded, ≤ 6); 1e-4 leaves room for other CPUs' summation order.
PARITY_ATOL = 1e-4


def _builder():
    spec = importlib.util.spec_from_file_location("build_imagenet_lite0_pack", ROOT / "python/scripts/build_imagenet_lite0_pack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builder():
    torch.set_num_threads(1)
    return _builder()


@pytest.fixture(scope="module")
def chelsea_input(builder):
    """The photo as the app feeds it: PIL-bicubic to 224×224 (aspect not kept), then (x − 127)/128."""
    rgb = np.asarray(Image.open(CHELSEA).convert("RGB").resize((224, 224), Image.BICUBIC))
    return builder.normalise(rgb)


def _session(name):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(str(PACK / name), options)


def test_manifest_preprocess_is_lite0s_normalisation():
    m = json.loads((PACK / "manifest.json").read_text())
    # On 0–255 pixels: (x/255 − mean)/std = (x − 127)/128.
    for x in (0, 127, 255):
        assert (x / 255 - m["classifierPreprocess"]["mean"][0]) / m["classifierPreprocess"]["std"][0] == pytest.approx((x - 127) / 128, abs=1e-9)
    assert "genpromp" not in m and list(m["models"]) == ["classifier"]
    assert len(m["classes"]) == 1000 and m["baselines"]["cam"]["head"]["shape"] == [1000, 1280]


def test_fp32_onnx_matches_pytorch(builder, chelsea_input):
    with torch.no_grad():
        logits, features = builder.LogitsAndFeatures(builder.load_lite0())(chelsea_input)
    got_logits, got_features = _session("classifier.onnx").run(["logits", "features"], {"image": chelsea_input.numpy()})
    assert got_features.shape == (1, 1280, 7, 7)
    assert np.abs(got_logits - logits.numpy()).max() < PARITY_ATOL
    assert np.abs(got_features - features.numpy()).max() < PARITY_ATOL


def test_cam_head_is_the_final_layer(builder):
    head = np.frombuffer((PACK / "cam_head.f32").read_bytes(), dtype="<f4").reshape(1000, 1280)
    np.testing.assert_array_equal(head, builder.load_lite0()._fc.weight.detach().numpy())


@pytest.mark.parametrize("variant", ["classifier.onnx", "classifier.int8.onnx", "classifier.fp16.onnx"])
def test_chelsea_the_cat_is_a_cat_in_the_top5(chelsea_input, variant):
    classes = json.loads((PACK / "manifest.json").read_text())["classes"]
    (logits,) = _session(variant).run(["logits"], {"image": chelsea_input.numpy()})
    top5 = {classes[i]["name"] for i in np.argsort(-logits[0])[:5]}
    assert top5 & DOMESTIC_CATS, [classes[i]["displayName"] for i in np.argsort(-logits[0])[:5]]


def test_pack_rebuilds_byte_identically(tmp_path):
    r = subprocess.run([sys.executable, "-m", "wsolkit.pack", "rebuild", "imagenet-lite0", "--out", str(tmp_path)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

    def digest(folder):
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.name != "variants.json"}

    assert digest(tmp_path / "imagenet-lite0") == digest(PACK)
    # variants.json holds onnxruntime's fp32-vs-int8/fp16 differences: floats computed on this CPU.
    assert_golden_close(json.loads((tmp_path / "imagenet-lite0/variants.json").read_text()), json.loads((PACK / "variants.json").read_text()))


def test_index_lists_the_pack_but_keeps_the_toy_world_the_default():
    packs = {p["id"]: p for p in json.loads((ROOT / "public/models/index.json").read_text())["packs"]}
    assert packs["imagenet-lite0"] == {"id": "imagenet-lite0", "label": "ImageNet photos (EfficientNet-Lite0)", "path": "imagenet-lite0/", "default": False}
    assert [p for p in packs.values() if p["default"]] == [packs["toyworld"]]
