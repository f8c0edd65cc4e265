"""Class lists for an SD pack: name, displayName, meta token (the discriminative word) and concept token.

- imagenet: the 1,000 ImageNet-1k synsets in class order, from the text files timm ships
  (timm/data/_info/imagenet_synsets.txt, imagenet_synset_to_lemma.txt; read as files, timm is
  not imported). The lemma line is LOC_synset_mapping.txt's description (comma-separated
  synonyms). Meta token by GenPromp's rule: for each synonym its last space-separated word;
  the first that is a single CLIP token wins; otherwise the first synonym's last word is
  BPE-encoded and its final piece, decoded, is used. Concept tokens <imagenet-k>.
- cub: 200 classes, meta token "bird" for all (GenPromp hard-codes it), concept tokens <cub-k>;
  names from a CUB classes.txt ("1 001.Black_footed_Albatross"), else cub-0 … cub-199.
- a user list (one class per line: `name` or `name<TAB>meta word`): concept tokens <{prefix}-k>.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path


def _timm_file(name: str) -> Path:
    spec = importlib.util.find_spec("timm")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the imagenet preset reads ImageNet's class list from timm's data files: pip install --no-deps timm")
    return Path(next(iter(spec.submodule_search_locations)), "data", "_info", name)


def imagenet_synsets() -> list[tuple[str, str]]:
    """[(synset id, comma-separated lemmas)] in ImageNet-1k class order."""
    synsets = _timm_file("imagenet_synsets.txt").read_text().split()
    lemmas = dict(line.split("\t", 1) for line in _timm_file("imagenet_synset_to_lemma.txt").read_text().splitlines())
    assert len(synsets) == 1000, f"expected 1000 ImageNet-1k synsets, found {len(synsets)}"
    return [(s, lemmas[s].strip()) for s in synsets]


def genpromp_meta_token(description: str, tokenizer) -> str:
    """GenPromp's meta token for an ImageNet description (tokenizer: transformers CLIPTokenizer)."""
    names = [n.strip() for n in description.split(",") if n.strip()]
    for n in names:
        word = n.split(" ")[-1]
        if len(tokenizer.encode(word, add_special_tokens=False)) == 1:
            return word
    ids = tokenizer.encode(names[0].split(" ")[-1], add_special_tokens=False)
    return tokenizer.decode(ids[-1:]).strip()


def imagenet_classes(tokenizer) -> list[dict]:
    return [{"name": s, "displayName": desc, "metaToken": genpromp_meta_token(desc, tokenizer), "conceptToken": f"<imagenet-{k}>"}
            for k, (s, desc) in enumerate(imagenet_synsets())]


def cub_classes(classes_txt: Path | None) -> tuple[list[dict], bool]:
    """→ (200 classes, whether real names were given)."""
    if classes_txt is None:
        names = [(f"cub-{k}", f"cub-{k}") for k in range(200)]
    else:
        rows = [line.split(maxsplit=1)[1].strip() for line in classes_txt.read_text().splitlines() if line.strip()]
        assert len(rows) == 200, f"{classes_txt}: CUB has 200 classes, found {len(rows)}"
        names = [(r, r.split(".", 1)[-1].replace("_", " ")) for r in rows]
    return [{"name": n, "displayName": d, "metaToken": "bird", "conceptToken": f"<cub-{k}>"} for k, (n, d) in enumerate(names)], classes_txt is not None


def user_classes(path: Path, prefix: str = "class") -> list[dict]:
    out = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, meta = line.partition("\t")
        name = name.strip()
        out.append({"name": name, "displayName": name, "metaToken": (meta or name).strip(), "conceptToken": f"<{prefix}-{len(out)}>"})
    return out
