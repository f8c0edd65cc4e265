"""The toy world's words: tokenizer, captions, superclasses, concept tokens.

Class names are GenPromp's meta tokens. Superclass words ("animal", "vehicle",
"bird") are added so that related and unrelated prompts behave as in the paper's
Fig. 6. Concept tokens `<toy-dog>`… are added tokens with no row in the text
encoder's table; textual inversion learns their input embeddings.
"""
from __future__ import annotations

import torch

from ..genpromp import TokenizerSpec, encode_prompt
from ..pack import PROMPT_TEMPLATES
from ..tokenizer import BOS, EOS, build_tokenizer
from ..toyworld.catalog import CLASS_NAMES

CONTEXT_LENGTH = 8  # the longest caption is 7 tokens with BOS/EOS; more would only add padding tokens that compete for attention
BIRDS = ("bird", "penguin", "duck", "rooster", "owl")
VEHICLES = ("car", "bus", "truck", "tractor", "bicycle", "motorcycle", "airplane", "helicopter", "sailboat", "locomotive")
SUPERCLASSES = {
    "animal": tuple(c for c in CLASS_NAMES if c not in VEHICLES),
    "vehicle": VEHICLES,
    "bird": BIRDS,  # also a class name: "bird" covers every bird, as in everyday speech
}
# GenPromp's 7 templates plus a few more for contrastive training variety.
TRAIN_TEMPLATES = [*PROMPT_TEMPLATES, "a {}", "a drawing of a {}", "an image of a {}", "a picture of the {}"]


def concept_token(cls: str) -> str:
    return f"<toy-{cls}>"


def build_spec() -> TokenizerSpec:
    words = sorted({w for t in TRAIN_TEMPLATES for w in t.replace("{}", " ").split()})
    words += [c for c in CLASS_NAMES] + [s for s in SUPERCLASSES if s not in CLASS_NAMES]
    tok, _ = build_tokenizer(words, [concept_token(c) for c in CLASS_NAMES])
    eos = tok.token_to_id(EOS)
    return TokenizerSpec(tok, CONTEXT_LENGTH, tok.token_to_id(BOS), eos, eos)


def base_vocab_size(spec: TokenizerSpec) -> int:
    return spec.tokenizer.token_to_id(concept_token(CLASS_NAMES[0]))


def ids(spec: TokenizerSpec, texts: list[str]) -> torch.Tensor:
    return torch.tensor([encode_prompt(spec, t) for t in texts], dtype=torch.int64)


def caption_words(cls: str) -> list[str]:
    """Words whose captions truly describe an image of `cls` (its name and its superclasses)."""
    return [cls, *[s for s, members in SUPERCLASSES.items() if cls in members and s != cls]]


def consistent(image_classes: list[str], caption_words_: list[str]) -> torch.Tensor:
    """[B_img, B_txt] 1 where the caption's word describes the image's class."""
    return torch.tensor([[float(w in caption_words(c)) for w in caption_words_] for c in image_classes])
