"""The sprite index (data/toyworld/sprites/index.json) and per-split access to it.

A `SpriteBank` holds only the sprites of ONE split: a bank made for "train" cannot hand out a
validation or test sprite, whatever the caller asks for (split isolation). The split of a sprite
is the one in the index; for a style named in `catalog.STYLES` the index must agree with it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from . import catalog

DEFAULT_ROOT = Path(__file__).resolve().parents[3] / "data/toyworld/sprites"


@dataclass
class Sprite:
    id: str            # "<style>/<class>"
    cls: str
    style: str
    split: str
    family: str
    licence: str
    source: str        # "npm:<package>@<version>" or "deb:<package>@<version>"
    path: Path
    _rgba: np.ndarray | None = field(default=None, repr=False)

    @property
    def rgba(self) -> np.ndarray:
        """HxWx4 uint8, straight (non-premultiplied) alpha; loaded once."""
        if self._rgba is None:
            self._rgba = np.asarray(Image.open(self.path).convert("RGBA")).copy()
            self._rgba.setflags(write=False)
        return self._rgba

    @property
    def share_alike(self) -> bool:
        return self.licence in catalog.SHARE_ALIKE_LICENCES


class SpriteBank:
    """Sprites of one split, grouped by class: `bank[cls] -> list[Sprite]` (style order of the index)."""

    def __init__(self, split: str, sprites: list[Sprite], classes: list[str], missing: list[dict] | None = None):
        if split not in catalog.SPLITS:
            raise ValueError(f"unknown split {split!r}")
        for s in sprites:
            if s.split != split:
                raise ValueError(f"sprite {s.id} is {s.split}, not {split}")
        self.split = split
        self.classes = list(classes)
        self.sprites = list(sprites)
        self.by_class: dict[str, list[Sprite]] = {c: [] for c in self.classes}
        for s in self.sprites:
            self.by_class.setdefault(s.cls, []).append(s)
        self.missing = missing or []

    @classmethod
    def load(cls, split: str, root: str | Path = DEFAULT_ROOT, styles: list[str] | None = None,
             eval_default_only: bool = False) -> SpriteBank:
        root = Path(root)
        index = json.loads((root / "index.json").read_text())
        style_meta = index.get("styles", {})
        chosen = []
        for rec in index["sprites"]:
            st = rec["style"]
            known = catalog.STYLES.get(st)
            if known is not None and known["split"] != rec["split"]:
                raise ValueError(f"index puts {rec['id']} in {rec['split']}, catalog says {known['split']}")
            if rec["split"] != split:
                continue
            if styles is not None and st not in styles:
                continue
            if eval_default_only and not style_meta.get(st, {}).get("default_eval", True):
                continue
            chosen.append(Sprite(id=rec["id"], cls=rec["cls"], style=st, split=rec["split"],
                                 family=rec.get("family", st), licence=rec.get("licence", "?"),
                                 source=rec.get("source", "?"), path=root / rec["file"]))
        missing = [m for m in index.get("missing", []) if m["split"] == split]
        return cls(split, chosen, index.get("classes") or sorted({s.cls for s in chosen}), missing)

    def __getitem__(self, cls: str) -> list[Sprite]:
        return self.by_class.get(cls, [])

    def classes_with_sprites(self) -> list[str]:
        return [c for c in self.classes if self.by_class.get(c)]

    def others(self, cls: str) -> list[Sprite]:
        """Sprites of every other class (occluders), same split."""
        return [s for s in self.sprites if s.cls != cls]

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for s in self.sprites:
            out.setdefault(s.cls, {}).setdefault(s.style, 0)
            out[s.cls][s.style] += 1
        return out
