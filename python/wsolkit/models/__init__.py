"""Miniatures of Stable Diffusion's architecture family plus a GAP classifier.

One compact file per model, each with a dataclass config that is saved beside the
weights (nanoGPT style). Module names follow diffusers where it helps reading.
"""
from .classifier import Classifier, ClassifierConfig
from .sat import SAT, SATConfig
from .text_encoder import TextEncoder, TextEncoderConfig
from .unet import UNet, UNetConfig
from .vae import VAE, VAEConfig

__all__ = ["Classifier", "ClassifierConfig", "SAT", "SATConfig", "TextEncoder", "TextEncoderConfig", "UNet", "UNetConfig", "VAE", "VAEConfig"]
