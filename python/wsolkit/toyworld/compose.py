"""One composite: sprites of one class pasted on a background, with exact boxes and mask.

    rgb, boxes, mask = compose(rng, sprites_for_class, backgrounds, size=256, cfg=ComposeConfig())

Ground truth (decided here, documented in docs/toyworld-data.md):
- A box per target instance: the bounding box of that instance's transformed alpha >= 8
  (`cfg.alpha_threshold`), clipped to the image, inclusive pixel coordinates [x0, y0, x1, y1].
  It is the FULL object extent (wsolevaluation convention): an occluder drawn over the object
  does not shrink its box; the image border does (only what is inside the image counts).
- The mask (uint8 0/1, HxW) is the VISIBLE target: the union of the instances' alpha >= 8,
  minus the pixels an occluder covers with alpha >= 128. Without occluders the union of the
  boxes is exactly the bounding box of the mask.
- Occluders are non-target shapes or sprites of OTHER classes (same split), drawn over a
  target so that they hide `cfg.occluder_cover` (10-50 %) of its pixels.
Scale: the long side of an instance's box (before any border cut) is `scale` x image side,
scale ~ U(cfg.scale) for one instance, U(cfg.multi_scale) when there are 2-3.
Everything random comes from the numpy Generator passed in, so a seed gives the same image.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np


@dataclass(frozen=True)
class ComposeConfig:
    scale: tuple[float, float] = (0.15, 0.85)       # box long side / image side, one instance
    multi_scale: tuple[float, float] = (0.15, 0.5)  # the same with 2-3 instances
    multi_instance_p: float = 0.15                  # probability of 2-3 instances
    n_instances: tuple[int, int] = (2, 3)
    max_instance_iou: float = 0.2                   # placement tries to keep instances apart
    occluder_p: float = 0.15                        # probability of one occluder over a target
    occluder_sprite_p: float = 0.5                  # occluder is another class's sprite (else a shape)
    occluder_cover: tuple[float, float] = (0.1, 0.5)  # fraction of the target's pixels hidden
    occluder_hide_alpha: int = 128                  # occluder alpha that hides a mask pixel
    rotation_deg: float = 20.0
    flip_p: float = 0.5
    border_cut_p: float = 0.3                       # probability an instance may cross the border
    max_cut: float = 0.4                            # at most this fraction of a box side outside
    brightness: float = 0.2                         # per-sprite colour jitter (multiplicative)
    contrast: float = 0.2
    saturation: float = 0.3
    hue_deg: float = 12.0
    blur_p: float = 0.1
    blur_sigma: tuple[float, float] = (0.4, 1.2)
    global_jitter: float = 0.08                     # brightness/contrast of the final image
    alpha_threshold: int = 8

    def with_(self, **kw) -> ComposeConfig:
        return replace(self, **kw)


@dataclass
class _Layer:
    prem: np.ndarray          # h x w x 3 float32, premultiplied colour
    alpha: np.ndarray         # h x w float32 in k/255 steps
    alpha_u8: np.ndarray      # h x w uint8
    box: tuple[int, int, int, int]   # alpha >= thr bbox in layer coords (x0, y0, x1, y1) inclusive
    meta: dict = field(default_factory=dict)


def _as_sprite(s) -> tuple[np.ndarray, dict]:
    if isinstance(s, np.ndarray):
        return s, {"id": "array"}
    meta = {"id": s.id, "style": s.style, "licence": s.licence}
    return s.rgba, meta


def _bbox(m: np.ndarray) -> tuple[int, int, int, int] | None:
    ys = np.flatnonzero(m.any(1))
    if ys.size == 0:
        return None
    xs = np.flatnonzero(m.any(0))
    return int(xs[0]), int(ys[0]), int(xs[-1]), int(ys[-1])


def _jitter_colours(rng: np.random.Generator, rgb: np.ndarray, cfg: ComposeConfig) -> np.ndarray:
    """rgb straight float32 0..1 -> jittered (brightness, contrast, saturation, hue)."""
    b = 1 + rng.uniform(-cfg.brightness, cfg.brightness)
    c = 1 + rng.uniform(-cfg.contrast, cfg.contrast)
    s = 1 + rng.uniform(-cfg.saturation, cfg.saturation)
    h = rng.uniform(-cfg.hue_deg, cfg.hue_deg)
    rgb = np.clip((rgb - 0.5) * c + 0.5, 0, 1) * b
    hsv = cv2.cvtColor(np.clip(rgb, 0, 1).astype(np.float32), cv2.COLOR_RGB2HSV)
    hsv[..., 0] = (hsv[..., 0] + h) % 360
    hsv[..., 1] = np.clip(hsv[..., 1] * s, 0, 1)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def _make_layer(rng: np.random.Generator, rgba: np.ndarray, target_long: float, cfg: ComposeConfig,
                jitter: bool = True) -> _Layer | None:
    """Jitter, flip, rotate, trim, scale (box long side = target_long px), maybe blur."""
    a = rgba[..., 3].astype(np.float32) / 255
    rgb = rgba[..., :3].astype(np.float32) / 255
    if jitter:
        rgb = _jitter_colours(rng, rgb, cfg)
    flip = bool(rng.random() < cfg.flip_p)
    angle = float(rng.uniform(-cfg.rotation_deg, cfg.rotation_deg))
    blur = float(rng.uniform(*cfg.blur_sigma)) if rng.random() < cfg.blur_p else 0.0
    prem = np.dstack([rgb * a[..., None], a])
    if flip:
        prem = prem[:, ::-1]
    h, w = prem.shape[:2]
    if abs(angle) > 1e-3:
        M = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        cos, sin = abs(M[0, 0]), abs(M[0, 1])
        W, H = int(np.ceil(h * sin + w * cos)) + 2, int(np.ceil(h * cos + w * sin)) + 2
        M[0, 2] += W / 2 - w / 2
        M[1, 2] += H / 2 - h / 2
        prem = cv2.warpAffine(np.ascontiguousarray(prem), M, (W, H), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    # trim where the box will be measured (alpha >= threshold) so the box long side is target_long
    tb = _bbox(prem[..., 3] >= cfg.alpha_threshold / 255)
    if tb is None:
        return None
    prem = prem[tb[1]:tb[3] + 1, tb[0]:tb[2] + 1]
    h, w = prem.shape[:2]
    k = target_long / max(h, w)
    nw, nh = max(1, int(round(w * k))), max(1, int(round(h * k)))
    interp = cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
    prem = cv2.resize(np.ascontiguousarray(prem), (nw, nh), interpolation=interp)
    if prem.ndim == 2:
        prem = prem[..., None]
    pad = 3 if blur > 0 else 1
    prem = cv2.copyMakeBorder(prem, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    if blur > 0:
        prem = cv2.GaussianBlur(prem, (0, 0), blur)
    alpha = np.clip(prem[..., 3], 0, 1)
    alpha_u8 = np.rint(alpha * 255).astype(np.uint8)
    alpha_q = alpha_u8.astype(np.float32) / 255
    # keep colour consistent with the quantised alpha (premultiplied colour <= alpha)
    colour = np.minimum(prem[..., :3], alpha[..., None]) / np.maximum(alpha[..., None], 1e-6)
    prem_q = np.clip(colour, 0, 1) * alpha_q[..., None]
    box = _bbox(alpha_u8 >= cfg.alpha_threshold)
    if box is None:
        return None
    return _Layer(prem_q.astype(np.float32), alpha_q, alpha_u8, box,
                  dict(flip=flip, angle=round(angle, 3), blur=round(blur, 3)))


def _place(rng: np.random.Generator, layer: _Layer, size: int, cfg: ComposeConfig) -> tuple[int, int, bool]:
    """Top-left of the layer so that its box lands inside (or, sometimes, across) the border."""
    x0, y0, x1, y1 = layer.box
    bw, bh = x1 - x0 + 1, y1 - y0 + 1
    cut = bool(rng.random() < cfg.border_cut_p)
    m = cfg.max_cut if cut else 0.0

    def axis(b):
        lo = -int(np.floor(m * b))
        hi = max(lo, size - b + int(np.floor(m * b)))
        return int(rng.integers(lo, hi + 1))

    bx, by = axis(bw), axis(bh)
    return bx - x0, by - y0, cut


def _paste_region(size: int, px: int, py: int, h: int, w: int):
    """Image slice and layer slice for a layer of h x w at (px, py); None when no overlap."""
    ix0, iy0, ix1, iy1 = max(px, 0), max(py, 0), min(px + w, size), min(py + h, size)
    if ix0 >= ix1 or iy0 >= iy1:
        return None
    return (slice(iy0, iy1), slice(ix0, ix1)), (slice(iy0 - py, iy1 - py), slice(ix0 - px, ix1 - px))


def _layer_mask_in_image(layer: _Layer, px: int, py: int, size: int, thr: int) -> np.ndarray:
    m = np.zeros((size, size), bool)
    r = _paste_region(size, px, py, *layer.alpha.shape)
    if r is not None:
        m[r[0]] = layer.alpha_u8[r[1]] >= thr
    return m


def _over(canvas: np.ndarray, layer: _Layer, px: int, py: int) -> None:
    r = _paste_region(canvas.shape[0], px, py, *layer.alpha.shape)
    if r is None:
        return
    (ci, li) = r
    a = layer.alpha[li][..., None]
    canvas[ci] = layer.prem[li] + canvas[ci] * (1 - a)


def _iou(a, b) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]) + 1)
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]) + 1)
    inter = ix * iy
    ua = (a[2] - a[0] + 1) * (a[3] - a[1] + 1) + (b[2] - b[0] + 1) * (b[3] - b[1] + 1) - inter
    return inter / ua if ua else 0.0


def _shape_rgba(rng: np.random.Generator, n: int = 128) -> np.ndarray:
    """A non-target occluder: random ellipse, polygon or bar, flat or striped fill."""
    from .backgrounds import _palette
    alpha = np.zeros((n, n), np.uint8)
    kind = int(rng.integers(3))
    if kind == 0:
        ax = (int(rng.integers(n // 5, n // 2)), int(rng.integers(n // 5, n // 2)))
        cv2.ellipse(alpha, (n // 2, n // 2), ax, float(rng.uniform(0, 180)), 0, 360, 255, -1, cv2.LINE_AA)
    elif kind == 1:
        k = int(rng.integers(3, 8))
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        rad = rng.uniform(n * 0.2, n * 0.48, k)
        pts = np.stack([n / 2 + rad * np.cos(ang), n / 2 + rad * np.sin(ang)], 1)
        cv2.fillPoly(alpha, [np.round(pts * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    else:
        w = int(rng.integers(n // 8, n // 3))
        cv2.rectangle(alpha, (n // 2 - w // 2, 2), (n // 2 + w // 2, n - 3), 255, -1)
    pal = (_palette(rng, 2) * 255).astype(np.uint8)
    rgb = np.empty((n, n, 3), np.uint8)
    rgb[:] = pal[0]
    if rng.random() < 0.5:
        period = int(rng.integers(4, 16))
        yy, xx = np.mgrid[0:n, 0:n]
        rgb[((xx + yy) // period) % 2 == 1] = pal[1]
    return np.dstack([rgb, alpha])


BackgroundSource = Callable[[np.random.Generator, int], object]


def _background(rng: np.random.Generator, backgrounds, size: int) -> tuple[np.ndarray, dict]:
    if hasattr(backgrounds, "sample"):
        out = backgrounds.sample(rng, size)
    elif callable(backgrounds):
        out = backgrounds(rng, size)
    else:
        out = np.asarray(backgrounds)
    img, info = out if isinstance(out, tuple) else (out, {"kind": "given"})
    img = np.asarray(img)
    if img.shape[:2] != (size, size):
        img = cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
    return img[..., :3], info



def _try_place(rng, sprite, scale: float, size: int, cfg, thr: float):
    """One sprite as a transformed layer at a random place: (layer, px, py, mask, box, meta), or None
    when the layer or its visible mask comes out empty."""
    rgba, smeta = _as_sprite(sprite)
    layer = _make_layer(rng, rgba, scale * size, cfg)
    if layer is None:
        return None
    px, py, cut = _place(rng, layer, size, cfg)
    m = _layer_mask_in_image(layer, px, py, size, thr)
    box = _bbox(m)
    if box is None:
        return None
    return layer, px, py, m, box, dict(smeta, scale=round(scale, 4), border_cut=cut, **layer.meta)

def compose(rng: np.random.Generator, sprites_for_class: Sequence, backgrounds, size: int = 256,
            cfg: ComposeConfig | None = None, occluder_sprites: Sequence = (),
            info: dict | None = None) -> tuple[np.ndarray, list[list[int]], np.ndarray]:
    """Composite one image of one class.

    sprites_for_class: Sprite objects (or HxWx4 uint8 arrays) of the target class; each
        instance picks one at random.
    backgrounds: an object with .sample(rng, size) -> (img, info), or such a callable, or an image.
    occluder_sprites: sprites of OTHER classes (same split) usable as occluders.
    info: if a dict is given, it is filled with what was used (sprite ids, styles, licences,
        background, occluders, transforms) for annotations and attribution.
    Returns rgb uint8 HxWx3, boxes [[x0, y0, x1, y1], ...] (inclusive), mask uint8 HxW (0/1).
    """
    cfg = cfg or ComposeConfig()
    if len(sprites_for_class) == 0:
        raise ValueError("no sprite for the target class")
    thr = cfg.alpha_threshold
    bg, bg_info = _background(rng, backgrounds, size)
    canvas = bg.astype(np.float32) / 255

    multi = bool(rng.random() < cfg.multi_instance_p)
    n = int(rng.integers(cfg.n_instances[0], cfg.n_instances[1] + 1)) if multi else 1
    scale_rng = cfg.multi_scale if multi else cfg.scale
    want_occluder = bool(rng.random() < cfg.occluder_p)

    instances = []   # (layer, px, py, mask_in_image, box, meta)
    for _k in range(n):
        for attempt in range(20):
            s_idx = int(rng.integers(len(sprites_for_class)))
            placed = _try_place(rng, sprites_for_class[s_idx], float(rng.uniform(*scale_rng)), size, cfg, thr)
            if placed is None:
                continue
            if any(_iou(placed[4], o[4]) > cfg.max_instance_iou for o in instances) and attempt < 19:
                continue
            instances.append(placed)
            break
    if not instances:
        raise RuntimeError("could not place any instance")
    for layer, px, py, *_ in instances:
        _over(canvas, layer, px, py)
    target = np.zeros((size, size), bool)
    for inst in instances:
        target |= inst[3]

    occluders = []
    if want_occluder:
        t_idx = int(rng.integers(len(instances)))
        tm = instances[t_idx][3]
        t_box = instances[t_idx][4]
        t_long = max(t_box[2] - t_box[0], t_box[3] - t_box[1]) + 1
        ys, xs = np.nonzero(tm)
        for _attempt in range(12):
            use_sprite = len(occluder_sprites) > 0 and rng.random() < cfg.occluder_sprite_p
            if use_sprite:
                o_rgba, ometa = _as_sprite(occluder_sprites[int(rng.integers(len(occluder_sprites)))])
                ometa = dict(ometa, kind="sprite")
            else:
                o_rgba, ometa = _shape_rgba(rng), {"kind": "shape"}
            o_long = max(8.0, float(rng.uniform(0.3, 0.7)) * t_long)
            olayer = _make_layer(rng, o_rgba, o_long, cfg)
            if olayer is None:
                continue
            j = int(rng.integers(len(xs)))
            oh, ow = olayer.alpha.shape
            opx, opy = int(xs[j]) - ow // 2, int(ys[j]) - oh // 2
            hide = _layer_mask_in_image(olayer, opx, opy, size, cfg.occluder_hide_alpha)
            cover = float((hide & tm).sum()) / max(1, int(tm.sum()))
            if cfg.occluder_cover[0] <= cover <= cfg.occluder_cover[1]:
                _over(canvas, olayer, opx, opy)
                target &= ~hide
                occluders.append(dict(ometa, cover=round(cover, 4), over_instance=t_idx))
                break

    if cfg.global_jitter > 0:
        b = 1 + rng.uniform(-cfg.global_jitter, cfg.global_jitter)
        c = 1 + rng.uniform(-cfg.global_jitter, cfg.global_jitter)
        canvas = ((canvas - 0.5) * c + 0.5) * b
    rgb = np.rint(np.clip(canvas, 0, 1) * 255).astype(np.uint8)
    boxes = [list(inst[4]) for inst in instances]
    if info is not None:
        info.update(background=bg_info, multi_instance=multi,
                    instances=[dict(inst[5], box=list(inst[4])) for inst in instances],
                    occluders=occluders, occluder_requested=want_occluder)
    return rgb, boxes, target.astype(np.uint8)


def compose_pair(rng: np.random.Generator, sprite_a, sprite_b, backgrounds, size: int = 256,
                 cfg: ComposeConfig | None = None, max_box_iou: float = 0.1,
                 info: dict | None = None) -> tuple[np.ndarray, list[list[int]], list[np.ndarray]]:
    """Composite one image holding ONE instance of each of two (different-class) sprites.

    Each object gets its own transforms as in `compose` (scale ~ U(cfg.multi_scale), jitter,
    flip, rotation, border cut), no occluder and no extra instance. B is placed (retried) so that
    the two boxes overlap with IoU <= max_box_iou; the draw order is random. Ground truth per
    object, as in `compose`: the box is the full extent of that object's alpha >= 8 (clipped to
    the image; the other object drawn over it does not shrink it), the mask is its visible
    pixels (alpha >= 8 minus what the object drawn on top covers with alpha >= 128).
    Returns rgb uint8 HxWx3, [box_a, box_b], [mask_a, mask_b] (uint8 0/1).
    """
    cfg = cfg or ComposeConfig()
    thr = cfg.alpha_threshold
    bg, bg_info = _background(rng, backgrounds, size)
    canvas = bg.astype(np.float32) / 255
    placed = []  # (layer, px, py, mask, box, meta)
    for sprite in (sprite_a, sprite_b):
        for attempt in range(40):
            one = _try_place(rng, sprite, float(rng.uniform(*cfg.multi_scale)), size, cfg, thr)
            if one is None:
                continue
            if placed and _iou(one[4], placed[0][4]) > max_box_iou and attempt < 39:
                continue
            placed.append(one)
            break
        else:
            raise RuntimeError("could not place the object")
    order = [1, 0] if rng.random() < 0.5 else [0, 1]
    masks = [p[3].copy() for p in placed]
    for k, j in enumerate(order):
        layer, px, py = placed[j][:3]
        _over(canvas, layer, px, py)
        if k == 1:  # drawn on top: hides the other object's pixels where it is opaque enough
            hide = _layer_mask_in_image(layer, px, py, size, cfg.occluder_hide_alpha)
            masks[order[0]] &= ~hide
    if cfg.global_jitter > 0:
        b = 1 + rng.uniform(-cfg.global_jitter, cfg.global_jitter)
        c = 1 + rng.uniform(-cfg.global_jitter, cfg.global_jitter)
        canvas = ((canvas - 0.5) * c + 0.5) * b
    rgb = np.rint(np.clip(canvas, 0, 1) * 255).astype(np.uint8)
    if info is not None:
        info.update(background=bg_info, drawn_first=order[0],
                    instances=[dict(p[5], box=list(p[4])) for p in placed])
    return rgb, [list(p[4]) for p in placed], [m.astype(np.uint8) for m in masks]
