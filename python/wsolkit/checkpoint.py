"""Checkpoints → models: the one place a saved config and state dict become a module.

Two layouts carry their configs (nanoGPT style):
- a stage checkpoint (python/wsolkit/train/*): {"config": {...}, "state": {...}, ...};
- a combined checkpoint (build_toyworld_pack.py, build_fixture_pack.py):
  {"configs": {entry: {...}}, "state": {entry: {...}}, "concept_rows": ...}, where the
  text encoder's entry is "text" and the UNet before finetuning is "unet_base"; an optional
  {"kinds": {entry: kind}} names an entry's model when it is not the default one (the
  classifier entry of a pack built with EfficientNet-Lite0 is "classifier_lite0").
"""
from __future__ import annotations

from pathlib import Path

import torch

from . import paths
from .models import SAT, VAE, Classifier, ClassifierConfig, SATConfig, TextEncoder, TextEncoderConfig, UNet, UNetConfig, VAEConfig
from .models.lite0 import Lite0Classifier, Lite0Config
from .models.semantic import SemanticConfig, SemanticEncoder

KINDS = {"vae": (VAE, VAEConfig), "text_encoder": (TextEncoder, TextEncoderConfig), "unet": (UNet, UNetConfig),
         "classifier": (Classifier, ClassifierConfig), "sat": (SAT, SATConfig), "classifier_lite0": (Lite0Classifier, Lite0Config),
         "semantic": (SemanticEncoder, SemanticConfig)}
_COMBINED_ENTRY = {"text_encoder": "text"}  # kind → its entry in a combined checkpoint, where the names differ


def config_from(kind: str, d: dict):
    """A saved config dict (lists where the dataclass has tuples) → the kind's config dataclass."""
    return KINDS[kind][1](**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


def load_model(kind: str, checkpoint: str | Path | dict, entry: str | None = None) -> torch.nn.Module:
    """A model of `kind` (vae, text_encoder, unet, classifier, sat, classifier_lite0) in eval mode.

    `checkpoint` is a path or an already loaded dict of either layout; `entry` picks the
    state in a combined checkpoint (default: the kind's own, e.g. "unet_base" for the UNet
    before finetuning, whose config is the UNet's).
    """
    ck = torch.load(checkpoint, map_location="cpu") if isinstance(checkpoint, (str, Path)) else checkpoint
    if "configs" in ck:
        name = _COMBINED_ENTRY.get(kind, kind)
        config, state = ck["configs"][name], ck["state"][entry or name]
        kind = ck.get("kinds", {}).get(name, kind)
    else:
        config, state = ck["config"], ck["state"]
        kind = ck.get("kind", kind)  # a stage checkpoint may name its model, e.g. a "vae" slot filled by a semantic first stage
    model = KINDS[kind][0](config_from(kind, config))
    model.load_state_dict(state)
    return model.eval()


def load_stage(kind: str, path: Path | None = None):
    """A training stage's final checkpoint (default paths.STAGES/<kind>.pt) → (model in eval mode, checkpoint dict)."""
    path = path or paths.STAGES / f"{kind}.pt"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `python -m wsolkit.train.{kind}` first (docs/training-toyworld.md)")
    ck = torch.load(path, map_location="cpu")
    return load_model(kind, ck), ck


def load_models(path):
    return models_from(torch.load(path, map_location="cpu"))


def models_from(ck: dict):
    """A loaded combined checkpoint → (vae, text, unet, classifier, concept rows), in eval mode."""
    return (*(load_model(k, ck) for k in ("vae", "text_encoder", "unet", "classifier")), ck["concept_rows"].numpy())
