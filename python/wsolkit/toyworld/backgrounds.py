"""Backgrounds: procedural textures and random crops of the Debian wallpaper photos.

`Backgrounds(pool)` samples a background for one split's pool ("train", "val", "test"); the
photo pools are disjoint (catalog.BACKGROUNDS; files that show target objects were left out by
the fetch script). Procedural textures are drawn fresh from the caller's generator, so they are
never shared between a training composite and an evaluation composite either.
Everything is a function of the numpy Generator passed in.
"""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

DEFAULT_ROOT = Path(__file__).resolve().parents[3] / "data/toyworld/backgrounds"


# ---------------------------------------------------------------- procedural

def _palette(rng: np.random.Generator, n: int) -> np.ndarray:
    """n colours around a random hue scheme (HSV -> RGB), float32 0..1."""
    base = rng.random()
    hues = (base + rng.normal(0, 0.12, n) + rng.integers(0, 2, n) * rng.choice([0.0, 0.5, 0.33])) % 1.0
    sat = np.clip(rng.uniform(0.1, 0.9, n), 0, 1)
    val = np.clip(rng.uniform(0.25, 1.0, n), 0, 1)
    hsv = np.stack([hues * 180, sat * 255, val * 255], -1).astype(np.uint8)[None]
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0].astype(np.float32) / 255


def _resize(a: np.ndarray, size: int) -> np.ndarray:
    return cv2.resize(a, (size, size), interpolation=cv2.INTER_CUBIC)


def fbm(rng: np.random.Generator, size: int) -> np.ndarray:
    """Fractal (value) noise: octaves of upsampled random grids, mapped through a 2-3 colour ramp."""
    acc = np.zeros((size, size), np.float32)
    amp, total = 1.0, 0.0
    cells = int(rng.integers(2, 6))
    persistence = rng.uniform(0.4, 0.7)
    for _ in range(5):
        g = rng.random((cells + 1, cells + 1)).astype(np.float32)
        acc += amp * _resize(g, size)
        total += amp
        amp *= persistence
        cells *= 2
        if cells > size // 2:
            break
    t = acc / total
    t = (t - t.min()) / max(1e-6, float(t.max() - t.min()))
    pal = _palette(rng, 3)
    t3 = t[..., None]
    return np.where(t3 < 0.5, pal[0] + (pal[1] - pal[0]) * (t3 * 2), pal[1] + (pal[2] - pal[1]) * (t3 * 2 - 1))


def gradient(rng: np.random.Generator, size: int) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    if rng.random() < 0.5:
        a = rng.uniform(0, 2 * np.pi)
        t = (np.cos(a) * xx + np.sin(a) * yy)
    else:
        cx, cy = rng.uniform(-0.2, 1.2, 2)
        t = np.hypot(xx - cx, yy - cy)
    t = (t - t.min()) / max(1e-6, float(t.max() - t.min()))
    pal = _palette(rng, 2)
    return pal[0] + (pal[1] - pal[0]) * t[..., None]


def stripes(rng: np.random.Generator, size: int) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    a = rng.uniform(0, np.pi)
    period = rng.uniform(8, 64)
    u = (np.cos(a) * xx + np.sin(a) * yy) / period
    if rng.random() < 0.5:  # checkers
        v = (-np.sin(a) * xx + np.cos(a) * yy) / period
        m = ((np.floor(u) + np.floor(v)) % 2).astype(np.float32)
    else:
        m = (np.floor(u) % 2).astype(np.float32)
    m = cv2.GaussianBlur(m, (0, 0), rng.uniform(0.3, 1.5))
    pal = _palette(rng, 2)
    return pal[0] + (pal[1] - pal[0]) * m[..., None]


def voronoi(rng: np.random.Generator, size: int) -> np.ndarray:
    n = int(rng.integers(6, 40))
    pts = rng.random((n, 2)).astype(np.float32) * size
    pal = _palette(rng, n)
    small = size // 4
    yy, xx = np.mgrid[0:small, 0:small].astype(np.float32) * 4
    d = (xx[..., None] - pts[:, 0]) ** 2 + (yy[..., None] - pts[:, 1]) ** 2
    lab = d.argmin(-1)
    img = pal[lab]
    img = cv2.resize(img, (size, size), interpolation=cv2.INTER_NEAREST)
    return cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 3.0))


def colour_field(rng: np.random.Generator, size: int) -> np.ndarray:
    c = _palette(rng, 1)[0]
    noise = rng.normal(0, rng.uniform(0.0, 0.06), (size, size, 1)).astype(np.float32)
    return np.broadcast_to(c, (size, size, 3)) + noise


PROCEDURAL = {"fbm": fbm, "gradient": gradient, "stripes": stripes, "voronoi": voronoi,
              "colour": colour_field}


def procedural(rng: np.random.Generator, size: int, kind: str | None = None) -> tuple[np.ndarray, str]:
    kinds = list(PROCEDURAL)
    kind = kind or kinds[int(rng.integers(len(kinds)))]
    img = PROCEDURAL[kind](rng, size)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8), kind


# ---------------------------------------------------------------- photos

class PhotoPool:
    """Wallpaper photos/textures of one pool, decoded lazily and kept in memory."""

    def __init__(self, files: list[Path], meta: list[dict] | None = None):
        self.files = list(files)
        self.meta = meta or [{"file": str(f)} for f in files]
        self._cache: dict[int, np.ndarray] = {}

    @classmethod
    def load(cls, pool: str, root: str | Path = DEFAULT_ROOT) -> PhotoPool:
        root = Path(root)
        idx = root / "index.json"
        if not idx.exists():
            return cls([])
        ents = [e for e in json.loads(idx.read_text())["backgrounds"] if e["pool"] == pool]
        return cls([root / e["file"] for e in ents], ents)

    def __len__(self) -> int:
        return len(self.files)

    def image(self, i: int) -> np.ndarray:
        if i not in self._cache:
            self._cache[i] = np.asarray(Image.open(self.files[i]).convert("RGB"))
        return self._cache[i]

    def crop(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, dict]:
        i = int(rng.integers(len(self.files)))
        img = self.image(i)
        h, w = img.shape[:2]
        side = int(min(h, w) * rng.uniform(0.2, 1.0))
        side = max(side, min(h, w, 64))
        y0 = int(rng.integers(0, h - side + 1))
        x0 = int(rng.integers(0, w - side + 1))
        crop = img[y0:y0 + side, x0:x0 + side]
        interp = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
        out = cv2.resize(crop, (size, size), interpolation=interp)
        flip = bool(rng.random() < 0.5)
        if flip:
            out = out[:, ::-1]
        meta = self.meta[i]
        return np.ascontiguousarray(out), dict(kind="photo", file=meta["file"], crop=[x0, y0, side],
                                               flip=flip, licence=meta.get("licence"),
                                               author=meta.get("author"))


class Backgrounds:
    """One split's background source: photo crops with probability p_photo, else procedural."""

    def __init__(self, photos: PhotoPool | None = None, p_photo: float = 0.5):
        self.photos = photos if photos is not None else PhotoPool([])
        self.p_photo = p_photo if len(self.photos) else 0.0

    @classmethod
    def load(cls, pool: str, root: str | Path = DEFAULT_ROOT, p_photo: float = 0.5) -> Backgrounds:
        return cls(PhotoPool.load(pool, root), p_photo)

    def sample(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, dict]:
        if rng.random() < self.p_photo:
            img, info = self.photos.crop(rng, size)
        else:
            img, kind = procedural(rng, size)
            info = dict(kind="procedural", generator=kind)
        return img, info
