"""The baselines' maps (CAM, LPCAM, SAT), the reference for src/shared/baselines/*.ts.

- CAM: ReLU(mean_k w_ck · f_k) over the classifier's last feature map.
- LPCAM: prototypes from k-means on training features (`build_prototypes`, offline),
  map = ReLU(mean cos to class prototypes − mean cos to context prototypes).
- SAT: the spatial token's masks of the last SQA blocks, averaged (or one block).
All maps are returned unnormalised at feature resolution; min-max, upsampling and
boxes are the shared post-processing.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

COS_EPS = 1e-8


def cam(features: np.ndarray, head_w: np.ndarray, cls: int, relu: bool = True) -> np.ndarray:
    """features float32 [K, h, w], head_w [C, K] → ReLU(mean_k w_ck f_k) [h, w].
    relu=False is wsolevaluation's convention (signed map, min-max afterwards)."""
    m = np.tensordot(head_w[cls].astype(np.float64), features.astype(np.float64), axes=(0, 0)) / features.shape[0]
    return (np.maximum(m, 0) if relu else m).astype(np.float32)


def cosine_to(features: np.ndarray, protos: np.ndarray) -> np.ndarray:
    """features [K, h, w], protos [n, K] → mean over prototypes of cos(f(x, y), p) [h, w]."""
    K, h, w = features.shape
    f = features.reshape(K, -1).astype(np.float64)
    fn = np.maximum(np.linalg.norm(f, axis=0), COS_EPS)  # [hw]
    p = protos.astype(np.float64)
    pn = np.maximum(np.linalg.norm(p, axis=1), COS_EPS)  # [n]
    cos = (p @ f) / pn[:, None] / fn[None, :]
    return cos.mean(axis=0).reshape(h, w).astype(np.float32)


def lpcam(features: np.ndarray, class_protos: np.ndarray, context_protos: np.ndarray, subtract_context: bool = True) -> np.ndarray:
    """LPCAM's make_lpcam at one scale: A = mean cos to P_c; with context, ReLU(A − mean cos to Q_c)."""
    a = cosine_to(features, class_protos)
    if subtract_context and len(context_protos) > 0:
        a = np.maximum(a - cosine_to(features, context_protos), 0)
    return a.astype(np.float32)


def sat_map(block_maps: np.ndarray, block: int | None = None) -> np.ndarray:
    """block_maps [n_blocks, g, g] → the mean over blocks (SAT's map) or one block."""
    return (block_maps.astype(np.float64).mean(axis=0) if block is None else block_maps[block]).astype(np.float32)


# ---------------------------------------------------------------- LPCAM prototypes (offline)
@dataclass
class LPCAMSettings:
    """LPCAM's official code's VOC defaults, adapted to WSOL: one label per image."""
    k: int = 12
    fg_threshold: float = 0.1  # select_thres on the max-normalised CAM
    class_threshold: float = 0.9  # keep FG centres the classifier scores as the class above this
    context_low: float = 0.05  # BG centres with context_low < p[c] < class_threshold are context
    images_per_class: int = 100
    max_iters: int = 100
    seed: int = 0

    def to_dict(self):
        return asdict(self)


def kmeans_cosine(x: np.ndarray, k: int, rng: np.random.Generator, max_iters: int) -> np.ndarray:
    """k-means with cosine assignment and Euclidean-mean centres (kmeans_pytorch's 'cosine').

    Deterministic (seeded init) and guarded: an empty cluster takes the point least
    similar to its centre from a cluster that can spare one. Stops when no assignment changes.
    """
    k = min(k, len(x))
    if k == 0:  # no points (e.g. an untrained classifier's CAM is zero everywhere for a class): no centres
        return np.zeros((0, x.shape[1]), np.float64)
    centres = x[rng.choice(len(x), k, replace=False)].astype(np.float64)
    xn = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), COS_EPS)
    assign = None
    for _ in range(max_iters):
        cn = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), COS_EPS)
        sim = xn @ cn.T  # [N, k]
        new = sim.argmax(axis=1)
        counts = np.bincount(new, minlength=k)
        for j in np.flatnonzero(counts == 0):
            own = sim[np.arange(len(x)), new]
            own = np.where(counts[new] > 1, own, np.inf)  # never empty another cluster
            i = int(np.argmin(own))
            counts[new[i]] -= 1
            new[i], counts[j] = j, 1
        if assign is not None and (new == assign).all():
            break
        assign = new
        centres = np.stack([x[assign == j].mean(axis=0) for j in range(k)])
    return centres.astype(np.float32)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def build_prototypes(features: np.ndarray, labels: np.ndarray, head_w: np.ndarray, s: LPCAMSettings, log=print) -> list[dict]:
    """features float32 [N, K, h, w] of training images, labels [N], head_w [C, K] →
    per class {"class": [n, K], "context": [m, K], "fallback": bool, "fg_points", "bg_points"}."""
    rng = np.random.default_rng(s.seed)
    N, K, h, w = features.shape
    out = []
    for c in range(head_w.shape[0]):
        f = features[labels == c]  # [n, K, h, w]
        camc = np.maximum(np.einsum("k,nkhw->nhw", head_w[c], f), 0)
        camc = camc / (camc.reshape(len(f), -1).max(axis=1)[:, None, None] + 1e-5)
        pts = f.transpose(0, 2, 3, 1).reshape(-1, K)  # [n·h·w, K]
        flat = camc.reshape(-1)
        fg, bg = pts[flat > s.fg_threshold], pts[flat < s.fg_threshold]
        fg_c = kmeans_cosine(fg, s.k, rng, s.max_iters)
        bg_c = kmeans_cosine(bg, s.k, rng, s.max_iters)
        p_fg, p_bg = softmax(fg_c @ head_w.T)[:, c], softmax(bg_c @ head_w.T)[:, c]
        keep = p_fg > s.class_threshold
        fallback = not keep.any() and len(p_fg) > 0
        if fallback:  # the COCO code's rule: keep the centre scored highest for the class
            keep = p_fg == p_fg.max()
        context = (p_bg > s.context_low) & (p_bg < s.class_threshold)
        out.append({"class": fg_c[keep], "context": bg_c[context], "fallback": bool(fallback), "fg_points": len(fg), "bg_points": len(bg)})
        log(f"  class {c}: {int(keep.sum())} class / {int(context.sum())} context prototypes (FG {len(fg)}, BG {len(bg)} points){' [fallback]' if fallback else ''}")
    return out
