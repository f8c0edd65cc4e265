"""Golden CLIP token ids for the TS tokenizer check: fixtures/golden/clip-tokens.json.

    .venv/bin/python python/scripts/write_clip_token_golden.py [--out fixtures/golden/clip-tokens.json]

CLIP's vocab.json/merges.txt are rebuilt from open_clip's bpe_simple_vocab_16e6.txt.gz
(wsolkit.sd.tokenizer.clip_bpe_files) and converted to tokenizer.json with the concept tokens
CONCEPTS added (ids 49408 + k) exactly as the SD exporter does; ids come from the Python
`tokenizers` package on that tokenizer.json (what @huggingface/tokenizers must reproduce).
Fields:
- concepts: the added tokens, in id order;
- cases[]: {text, ids, slowIds}: `ids` = the full 77-token encoding [BOS 49406, words…, EOS 49407,
  pad 49407…], what the app's encodePrompt must give (encode with add_special_tokens=false, then
  BOS/EOS/pad); sd-tiny-random's tokenizer.json has these concept tokens (<class-0> … <class-4>),
  so the TS test can load that file. `slowIds` = transformers' slow CLIPTokenizer (GenPromp's
  tokenizer class) on the same files, here without ftfy installed: it then falls back to BERT's
  BasicTokenizer, which strips accents and splits punctuation differently ("café",
  "jack-o'-lantern" differ); null where it agrees with `ids`.
"""
import argparse
import json
import tempfile
from pathlib import Path

from wsolkit.paths import ROOT
from wsolkit.sd import tokenizer

CONCEPTS = [f"<class-{k}>" for k in range(5)]
TEXTS = [
    "a photo of a dog",
    "a rendering of a <class-2>",
    "a rendition of a tench",
    "the photo of a Great Dane.",
    "a photo of my red-winged blackbird",
    "a photo of one jack-o'-lantern",
    "a photo of the <class-4>",
    "A  PHOTO\tof   a café",
]


def golden() -> dict:
    from tokenizers import Tokenizer

    with tempfile.TemporaryDirectory() as tmp:
        folder = tokenizer.clip_bpe_files(Path(tmp))[0].parent
        slow = tokenizer.slow_tokenizer(folder)
        fast = Tokenizer.from_str(tokenizer.tokenizer_json(folder, CONCEPTS))
    slow.add_tokens(CONCEPTS)
    cases = []
    for t in TEXTS:
        words = fast.encode(t, add_special_tokens=False).ids[:75]
        ids = [tokenizer.BOS_ID, *words, tokenizer.EOS_ID]
        ids += [tokenizer.PAD_ID] * (77 - len(ids))
        s = slow(t, padding="max_length", max_length=77, truncation=True).input_ids
        cases.append({"text": t, "ids": ids, "slowIds": None if s == ids else s})
    return {"tokenizer": "CLIP BPE (bpe_simple_vocab_16e6) → tokenizer.json (wsolkit.sd.tokenizer)", "concepts": CONCEPTS, "cases": cases}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "fixtures/golden/clip-tokens.json")
    args = ap.parse_args(argv)
    args.out.write_text(json.dumps(golden(), indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
