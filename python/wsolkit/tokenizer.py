"""Word-level tokenizer for miniature packs, saved as a Hugging Face tokenizer.json.

The app reads it with @huggingface/tokenizers; the reference reads it with the
Python `tokenizers` package, so both tokenise identically. Concept tokens are added
tokens (matched before splitting) with ids after the base vocabulary; the text
encoder's table has no rows for them — their learned rows are injected.
"""
from tokenizers import Tokenizer, normalizers, pre_tokenizers
from tokenizers.models import WordLevel

BOS, EOS, UNK = "<|startoftext|>", "<|endoftext|>", "<unk>"


def build_tokenizer(words: list[str], concept_tokens: list[str]) -> tuple[Tokenizer, int]:
    """→ (tokenizer, base vocab size). EOS doubles as padding, as in SD 1.x."""
    vocab = {}
    for w in [BOS, EOS, UNK, *words]:
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(WordLevel(vocab, unk_token=UNK))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    base = len(vocab)
    tok.add_tokens(concept_tokens)
    for i, c in enumerate(concept_tokens):
        assert tok.token_to_id(c) == base + i, c
    return tok, base
