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
