"""A GAP classifier (CAM-ready): conv stages → feature map → GAP → linear head.

CAM for class c is Σ_k w_ck · f_k over the last feature map (Zhou et al., CVPR 2016),
so the export keeps `features` as an output next to `logits`.
"""
from dataclasses import dataclass

import torch.nn.functional as F
from torch import nn

from .layers import DictConfig


@dataclass
class ClassifierConfig(DictConfig):
    num_classes: int = 30
    stage_channels: tuple[int, ...] = (16, 32, 64, 128)  # each stage halves the size but the last
    image_size: int = 128



class ConvBNAct(nn.Sequential):
    def __init__(self, cin, cout, stride):
        super().__init__(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Classifier(nn.Module):
    def __init__(self, cfg: ClassifierConfig):
        super().__init__()
        self.cfg = cfg
        layers, cin = [], 3
        for i, c in enumerate(cfg.stage_channels):
            layers += [ConvBNAct(cin, c, 2 if i < len(cfg.stage_channels) - 1 else 1), ConvBNAct(c, c, 1)]
            cin = c
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(cin, cfg.num_classes)

    def forward(self, x):
        """x [B, 3, S, S] normalised → (logits [B, C], features [B, K, S/8, S/8])."""
        f = self.features(x)
        return self.head(F.adaptive_avg_pool2d(f, 1).flatten(1)), f
