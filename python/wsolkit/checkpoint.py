"""Load models from a checkpoint that carries its configs (nanoGPT style)."""
import torch

from .models import Classifier, ClassifierConfig, TextEncoder, TextEncoderConfig, UNet, UNetConfig, VAE, VAEConfig


def _cfg(cls, d):
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


def load_models(path):
    return models_from(torch.load(path, map_location="cpu"))


def models_from(ck: dict):
    """A loaded checkpoint → (vae, text, unet, classifier, concept rows), in eval mode."""
    c = ck["configs"]
    vae = VAE(_cfg(VAEConfig, c["vae"]))
    text = TextEncoder(_cfg(TextEncoderConfig, c["text"]))
    unet = UNet(_cfg(UNetConfig, c["unet"]))
    clf = Classifier(_cfg(ClassifierConfig, c["classifier"]))
    for name, m in (("vae", vae), ("text", text), ("unet", unet), ("classifier", clf)):
        m.load_state_dict(ck["state"][name])
        m.eval()
    return vae, text, unet, clf, ck["concept_rows"].numpy()
