"""Toy world: a seeded generator of composites (emoji/clip-art sprites of 30 classes on
backgrounds) with exact boxes and masks, split by art style. See docs/toyworld-data.md."""
from .backgrounds import Backgrounds, PhotoPool, procedural
from .catalog import CLASS_NAMES, CLASSES, SPLITS, STYLES
from .compose import ComposeConfig, compose
from .dataset import ToyWorldDataset, build_eval_set
from .sprites import Sprite, SpriteBank

__all__ = ["Backgrounds", "PhotoPool", "procedural", "CLASS_NAMES", "CLASSES", "SPLITS", "STYLES",
           "ComposeConfig", "compose", "ToyWorldDataset", "build_eval_set", "Sprite", "SpriteBank"]
