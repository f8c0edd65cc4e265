"""SD 1.x's CLIP BPE tokenizer → tokenizer.json (Hugging Face format) with GenPromp's concept tokens.

The app reads tokenizer.json with @huggingface/tokenizers and encodes with
add_special_tokens=false, then adds BOS 49406, EOS 49407 and pads with 49407 to 77 itself.
The conversion is transformers' own slow→fast CLIP converter (CLIPTokenizerFast): NFC,
whitespace runs → " ", lower-case; CLIP's split regex; byte-level BPE with "</w>" word ends.
Concept tokens are added tokens (matched before splitting), ids 49408 + k in class order, as
GenPromp's `tokenizer.add_tokens` gives them.

`clip_bpe_files` rebuilds CLIP's vocab.json/merges.txt from the BPE merge list that CLIP
(and open_clip) ship, `bpe_simple_vocab_16e6.txt.gz`, exactly as CLIP's SimpleTokenizer:
merges = lines[1 : 49152 − 256 − 2 + 1]; vocab = the 256 byte characters, the same with
"</w>", one entry per merge, then <|startoftext|> (49406) and <|endoftext|> (49407).
"""
from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

BOS_ID, EOS_ID, PAD_ID, BASE_VOCAB = 49406, 49407, 49407, 49408


def bytes_to_unicode() -> dict[int, str]:
    """CLIP's (and GPT-2's) reversible byte → printable-character map."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def open_clip_bpe_path() -> Path:
    """open_clip's bpe_simple_vocab_16e6.txt.gz, found without importing open_clip (it needs torchvision)."""
    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("open_clip_torch is not installed (only its vocabulary file is used): pip install --no-deps open_clip_torch")
    return Path(next(iter(spec.submodule_search_locations)), "bpe_simple_vocab_16e6.txt.gz")


def clip_bpe_files(out_dir: Path, bpe_gz: Path | None = None) -> tuple[Path, Path]:
    """Write CLIP's vocab.json and merges.txt into out_dir → their paths."""
    lines = gzip.open(bpe_gz or open_clip_bpe_path()).read().decode("utf-8").split("\n")
    merges = [tuple(m.split()) for m in lines[1 : 49152 - 256 - 2 + 1]]
    chars = list(bytes_to_unicode().values())
    vocab = chars + [c + "</w>" for c in chars] + ["".join(m) for m in merges] + ["<|startoftext|>", "<|endoftext|>"]
    assert len(vocab) == BASE_VOCAB, len(vocab)
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab_path, merges_path = out_dir / "vocab.json", out_dir / "merges.txt"
    vocab_path.write_text(json.dumps({v: i for i, v in enumerate(vocab)}, ensure_ascii=False))
    # transformers' CLIPTokenizer skips the first line of merges.txt (a version header).
    merges_path.write_text("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
    return vocab_path, merges_path


def slow_tokenizer(folder: Path):
    """transformers' CLIPTokenizer from a folder with vocab.json + merges.txt (77 tokens)."""
    from transformers import CLIPTokenizer

    return CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77)


def tokenizer_json(folder: Path, concept_tokens: list[str]) -> str:
    """tokenizer.json text for SD's tokenizer folder (vocab.json + merges.txt) plus the concept tokens."""
    from transformers import CLIPTokenizerFast

    fast = CLIPTokenizerFast(vocab_file=str(folder / "vocab.json"), merges_file=str(folder / "merges.txt"), model_max_length=77)
    tok = fast.backend_tokenizer
    assert tok.get_vocab_size(with_added_tokens=False) == BASE_VOCAB or tok.token_to_id("<|endoftext|>") == EOS_ID
    assert tok.token_to_id("<|startoftext|>") == BOS_ID and tok.token_to_id("<|endoftext|>") == EOS_ID
    tok.add_tokens(concept_tokens)
    for k, c in enumerate(concept_tokens):
        assert tok.token_to_id(c) == BASE_VOCAB + k, (c, tok.token_to_id(c))
    return tok.to_str(pretty=False)
