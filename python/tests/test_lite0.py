"""The pretrained EfficientNet-Lite0 (models/lite0.py): its ImageNet weights classify real photos.

Photos: Debian's `darknet` package ships a few in /usr/share/darknet/data (scripts/setup.sh installs
it); the test is skipped where they are absent. ImageNet-1k indices: 22 bald eagle; 151–268 dog
breeds; 444 bicycle-built-for-two, 671 mountain bike, 870 tricycle.
"""
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from wsolkit.models.lite0 import MEAN, STD, Lite0Classifier, Lite0Config

PHOTOS = Path("/usr/share/darknet/data")


def _input(path, size):
    x = np.asarray(Image.open(path).convert("RGB").resize((size, size), Image.BICUBIC)).astype(np.float32)
    return torch.from_numpy((x / 255 - np.array(MEAN, np.float32)) / np.array(STD, np.float32)).permute(2, 0, 1)[None]


@pytest.mark.skipif(not (PHOTOS / "eagle.jpg").exists(), reason="apt-get install darknet for its sample photos")
def test_imagenet_weights_name_the_eagle_and_the_dog():
    torch.set_num_threads(1)
    model = Lite0Classifier(Lite0Config(image_size=224, last_stride=2), pretrained=True).eval()
    p = torch.softmax(model.imagenet_logits(_input(PHOTOS / "eagle.jpg", 224)), 1)[0]
    assert int(p.argmax()) == 22 and p[22] > 0.25  # bald eagle
    top5 = model.imagenet_logits(_input(PHOTOS / "dog.jpg", 224)).topk(5).indices[0].tolist()
    assert 151 <= top5[0] <= 268  # a dog breed first (the photo also shows a bicycle and a truck)
    # at the pack's 128² input the eagle is still the eagle
    assert int(model.imagenet_logits(_input(PHOTOS / "eagle.jpg", 128)).argmax()) == 22


def test_last_stride_1_doubles_the_feature_map_and_keeps_the_weights():
    a = Lite0Classifier(Lite0Config(last_stride=2), pretrained=True).eval()
    b = Lite0Classifier(Lite0Config(last_stride=1), pretrained=True).eval()
    x = torch.zeros(1, 3, 128, 128)
    assert a(x)[1].shape == (1, 1280, 4, 4) and b(x)[1].shape == (1, 1280, 8, 8)
    sa, sb = a.backbone.state_dict(), b.backbone.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)


def test_toy_pack_exports_the_fine_tuned_classifier_as_pytorch_computes_it(tmp_path):
    """The toy-world pack's path for Lite0: the combined checkpoint names its kind, the export takes the
    feature shape from a dry run (1280 × S/16 with last_stride 1), fp32 ONNX = PyTorch, int8/fp16 variants."""
    import onnxruntime as ort

    from wsolkit import pack
    from wsolkit.checkpoint import load_model

    torch.set_num_threads(1)
    torch.manual_seed(0)
    trained = Lite0Classifier(Lite0Config(num_classes=5, image_size=64, last_stride=1))  # random head: the export is under test
    combined = {"configs": {"classifier": trained.cfg.to_dict()}, "state": {"classifier": trained.state_dict()},
                "kinds": {"classifier": "classifier_lite0"}}
    model = load_model("classifier", combined)
    assert isinstance(model, Lite0Classifier)

    entry = pack.export_classifier(tmp_path, model, 64)
    assert [o["dims"] for o in entry["outputs"]] == [["batch", 5], ["batch", 1280, 4, 4]]
    x = torch.from_numpy(np.random.default_rng(0).uniform(-1, 1, (2, 3, 64, 64)).astype(np.float32))
    with torch.no_grad():
        want = [t.numpy() for t in model(x)]
    got = ort.InferenceSession(str(tmp_path / "classifier.onnx"), providers=["CPUExecutionProvider"]).run(["logits", "features"], {"image": x.numpy()})
    assert max(float(np.abs(a - b).max()) for a, b in zip(got, want)) < 1e-4

    report = pack.add_variants(tmp_path, entry)
    assert [v["precision"] for v in entry["variants"]] == ["fp32", "int8", "fp16"]
    assert report["int8_bytes"] < report["fp32_bytes"] / 2 and report["fp16_bytes"] < report["fp32_bytes"] * 0.6
    assert report["int8_tensors"] > 0
