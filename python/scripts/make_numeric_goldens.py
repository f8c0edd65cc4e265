#!/usr/bin/env python3
"""Numeric goldens for src/shared/{postprocess,metrics,image} (TypeScript parity tests).

Every expected value comes from the reference libraries themselves (OpenCV, numpy, PIL) or from
small re-statements of the reference evaluators' code:
  - TS-CAM / GenPromp `datasets/evaluation/cam.py` (`get_bboxes`, `cal_iou`, `cls_loc_err`,
    `get_badcase_detail`) and GenPromp `datasets/base.py` (GT box scaling);
  - clovaai/wsolevaluation `evaluation.py` (`compute_bboxes_from_scoremaps`,
    `calculate_multiple_iou`, `BoxEvaluator.accumulate/compute`, `resize_bbox`).

Run with Debian's interpreter (python3-opencv, python3-numpy, python3-pil):
    /usr/bin/python3 python/scripts/make_numeric_goldens.py
Output is deterministic: rerunning rewrites fixtures/golden/*.json byte for byte.

Arrays travel as base64 of little-endian raw bytes (float32, uint16, uint8, packed bits);
large outputs are checked through a subset of rows or per-row FNV-1a hashes.
"""
import base64
import json
import pathlib

import cv2
import numpy as np
from PIL import Image

from wsolkit.metrics import (
    badcase_detail,
    cal_iou,
    tscam_get_bboxes,
    tscam_normalize,
    wsol_box_evaluator,
    wsol_boxes_at_thresholds,
)

OUT = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "golden"


# ----------------------------------------------------------------------------- helpers

def b64(arr):
    return base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")


def write(name, obj):
    OUT.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, separators=(",", ":")) + "\n"
    (OUT / name).write_text(text)
    print(f"{name}: {len(text) / 1024:.1f} KiB")


def fnv1a(values):
    """FNV-1a 32 over a sequence of integers, each folded in as a 32-bit word (TS: fnv1a)."""
    h = 0x811C9DC5
    for v in values:
        h = ((h ^ (int(v) & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
    return h


def fnv1a_rows(img):
    """FNV-1a 32 of every row of a uint8 image, one byte at a time (TS: rowHashes)."""
    rows = img.reshape(img.shape[0], -1).astype(np.uint64)
    h = np.full(rows.shape[0], 0x811C9DC5, dtype=np.uint64)
    for j in range(rows.shape[1]):
        h = ((h ^ rows[:, j]) * np.uint64(16777619)) & np.uint64(0xFFFFFFFF)
    return [int(v) for v in h]


def lowbias32(x):
    """Integer hash shared with the TS tests (uint32 arithmetic in uint64 lanes)."""
    x = x.astype(np.uint64) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    return x


def test_image(kind, w, h, seed):
    """Deterministic RGB test image, integer-only so TS rebuilds it exactly (resizePil.test.ts)."""
    y, x, c = np.meshgrid(np.arange(h), np.arange(w), np.arange(3), indexing="ij")
    if kind == "noise":
        i = np.arange(h * w * 3, dtype=np.uint64).reshape(h, w, 3)
        return (lowbias32(i + np.uint64((seed * 0x9E3779B9) & 0xFFFFFFFF)) >> np.uint64(24)).astype(np.uint8)
    if kind == "ramps":  # smooth ramps that wrap: smooth areas plus hard edges
        return (((x * (c + 1) * 255) // (w - 1) + (y * (3 - c) * 255) // (h - 1)) & 255).astype(np.uint8)
    if kind == "checker":  # 0/255 blocks: maximal overshoot, exercises the uint8 clip
        return ((((x >> 3) + (y >> 3) + c) & 1) * 255).astype(np.uint8)
    raise ValueError(kind)


def composite_on_background(rgba, bg):
    """RGBA → RGB over a solid background, round half up: (a·c + (255−a)·bg + 127) // 255.
    Same integer formula as compositeOnBackground in src/shared/image/resizePil.ts."""
    rgba = rgba.astype(np.int32)
    a = rgba[..., 3:4]
    return ((a * rgba[..., :3] + (255 - a) * np.asarray(bg, np.int32) + 127) // 255).astype(np.uint8)


def smooth_map(rng, h, w):
    """Smooth float map: bicubic-upsampled noise plus Gaussian blobs."""
    low = rng.standard_normal((max(2, h // 8), max(2, w // 8))).astype(np.float32)
    m = cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC)
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(rng.integers(1, 4)):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        s = rng.uniform(2, max(3, min(h, w) / 4))
        m = m + rng.uniform(1, 3) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
    return m


def quantize(m, levels=4095):
    m = m - m.min()
    return np.round(m / max(m.max(), 1e-12) * levels).astype(np.uint16)


# ----------------------------------------------------------------------------- goldens

def resize_golden(rng):
    cases = []
    specs = [("cubic", 4, 4, 64, 64), ("cubic", 8, 8, 64, 64), ("cubic", 16, 16, 64, 64),
             ("cubic", 16, 16, 128, 128), ("cubic", 32, 32, 256, 256), ("cubic", 40, 40, 17, 17),
             ("cubic", 12, 20, 50, 37), ("cubic", 28, 28, 224, 224),
             ("linear", 64, 64, 512, 512), ("linear", 8, 8, 64, 64), ("linear", 50, 30, 19, 11),
             ("linear", 40, 40, 20, 20), ("linear", 12, 20, 50, 37)]
    for kernel, sh, sw, dh, dw in specs:
        src = rng.random((sh, sw), dtype=np.float32)
        interp = cv2.INTER_CUBIC if kernel == "cubic" else cv2.INTER_LINEAR
        dst = cv2.resize(src, (dw, dh), interpolation=interp)
        # Full output when small, else the edge rows (border handling) and a few inner ones.
        rows = list(range(dh)) if dh * dw <= 1024 else sorted(
            {0, 1, dh // 3, dh // 2, 2 * dh // 3, dh - 2, dh - 1})
        cases.append({"kernel": kernel, "srcH": sh, "srcW": sw, "dstH": dh, "dstW": dw,
                      "src": b64(src), "rows": rows, "dst": b64(dst[rows])})
    write("resize_cv2.json", {"cases": cases})


def numpy_semantics_golden(rng):
    edge = np.array([-300, -1.5, -1.0, -0.7, -1e-6, 0, 1e-6, 0.5, 1 - 1e-7, 1, 1 + 1e-7, 255.4 / 255,
                     1.003, 256.5 / 255, 300 / 255, np.nan], dtype=np.float32)
    values = np.concatenate([edge, (np.arange(256) / 255).astype(np.float32),
                             rng.random(256, dtype=np.float32)]).astype(np.float32)
    with np.errstate(invalid="ignore"):
        u8_f32 = np.uint8(values * 255.)
        u8_f64 = (values.astype(np.float64) * 255).astype(np.uint8)
    taus = np.arange(0, 1, 0.001)
    levels = [int(t * 255) for t in taus]
    maps = [rng.standard_normal(64).astype(np.float32),
            (rng.random(64) * 3 - 2).astype(np.float32),  # mostly negative, positive max
            -rng.random(64).astype(np.float32),  # all negative
            np.full(64, 0.25, np.float32),
            np.where(rng.random(64) < 0.1, np.nan, rng.random(64)).astype(np.float32)]
    norm = []
    for m in maps:
        with np.errstate(invalid="ignore", divide="ignore"):
            mx = m.max()
            by_max = m / mx if mx > 0 else m.copy()  # normalizeMax's documented choice for max ≤ 0 / NaN
            minmax = np.zeros_like(m) if np.isnan(m).any() or m.min() == m.max() else tscam_normalize(m)
        norm.append({"map": b64(m), "max": b64(by_max.astype(np.float32)), "minMax": b64(minmax.astype(np.float32))})
    write("numpy_semantics.json", {
        "uint8": {"values": b64(values), "float32": b64(u8_f32), "float64": b64(u8_f64)},
        "grid": {"step": 0.001, "taus": b64(taus), "levels": levels, "grid01": b64(np.arange(0, 1, 0.01))},
        "normalize": norm,
    })


def contour_masks(rng):
    masks = [("empty", np.zeros((16, 16), np.uint8)), ("full", np.ones((16, 20), np.uint8))]
    for i, (h, w, sigma, q) in enumerate([(32, 32, 2, 0.5), (64, 64, 3, 0.6), (128, 128, 4, 0.55),
                                          (48, 80, 2.5, 0.4), (96, 64, 3, 0.7), (128, 96, 1.5, 0.5),
                                          (64, 128, 5, 0.3), (40, 40, 1.2, 0.5)]):
        noise = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), sigma)
        masks.append((f"blobs{i}", (noise > np.quantile(noise, q)).astype(np.uint8)))
    for i, (h, w, n) in enumerate([(64, 64, 6), (48, 96, 10), (128, 128, 20)]):
        m = np.zeros((h, w), np.uint8)
        for _ in range(n):
            p0 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            p1 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            cv2.line(m, p0, p1, 1, 1)
        masks.append((f"lines{i}", m))
    for i, (h, w, p) in enumerate([(32, 32, 0.03), (64, 48, 0.05), (16, 16, 0.3)]):
        masks.append((f"pixels{i}", (rng.random((h, w)) < p).astype(np.uint8)))
    rings = np.zeros((64, 64), np.uint8)
    for r in (28, 20, 12, 5):
        cv2.circle(rings, (32, 32), r, 1, 2)
    masks.append(("nestedRings", rings))
    holes = np.ones((40, 56), np.uint8)
    holes[5:12, 5:20] = 0
    holes[20:30, 30:50] = 0
    holes[24:27, 38:42] = 1
    holes[8, 40] = 0
    holes[33, 10:12] = 0
    masks.append(("holes", holes))
    border = np.zeros((24, 30), np.uint8)
    border[0, :] = 1
    border[:, -1] = 1
    border[10:, 0:3] = 1
    border[-1, 8:20] = 1
    border[5:8, 12:14] = 1
    masks.append(("border", border))
    diag = np.zeros((20, 20), np.uint8)
    for k in range(18):
        diag[k, k] = 1
        diag[k, 19 - k] = 1
    diag[2:6, 10:14] = np.eye(4, dtype=np.uint8)[::-1]
    masks.append(("diagonals", diag))
    yy, xx = np.mgrid[0:16, 0:16]
    masks.append(("checker", ((xx + yy) % 2).astype(np.uint8)))
    masks.append(("checkerHoles", (((xx + yy) % 2) | (xx % 4 == 0)).astype(np.uint8)))
    for i, (h, w, p) in enumerate([(32, 32, 0.5), (64, 64, 0.5), (128, 128, 0.35), (16, 128, 0.6)]):
        masks.append((f"noise{i}", (rng.random((h, w)) < p).astype(np.uint8)))
    for i, (h, w) in enumerate([(1, 1), (1, 12), (12, 1), (2, 2), (3, 17)]):
        masks.append((f"tiny{i}", (rng.random((h, w)) < 0.6).astype(np.uint8)))
    masks.append(("onePixelFull", np.ones((1, 1), np.uint8)))
    squares = np.zeros((33, 33), np.uint8)
    for k in range(0, 16, 2):  # concentric square rings, every other one broken by a gap
        squares[k:33 - k, k:33 - k] = 1
        squares[k + 1:32 - k, k + 1:32 - k] = 0
        if k % 4 == 2:
            squares[16, k] = 0
    squares[16, 16] = 1
    masks.append(("squares", squares))
    return masks


def contours_golden(rng):
    out = []
    for name, mask in contour_masks(rng):
        h, w = mask.shape
        contours, hierarchy = cv2.findContours(mask.copy(), cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
        rows = []
        for k, c in enumerate(contours):
            parent = int(hierarchy[0][k][3])
            depth, p = 0, parent
            while p >= 0:
                depth, p = depth + 1, int(hierarchy[0][p][3])
            x, y, bw, bh = cv2.boundingRect(c)
            pts = c.reshape(-1)
            # [2·area, x, y, w, h, isHole, parent, #points, FNV-1a of x,y,x,y,...]
            rows.append([int(round(2 * cv2.contourArea(c))), x, y, bw, bh, depth % 2, parent,
                         len(pts) // 2, fnv1a(pts)])
        out.append({"name": name, "h": h, "w": w, "bits": b64(np.packbits(mask.reshape(-1) != 0)),
                    "contours": rows})
    write("contours_cv2.json", {"masks": out})


def box_maps(rng):
    shapes = [(32, 40), (40, 32), (28, 44), (36, 36)]
    maps = []
    for i in range(22):
        h, w = shapes[i % len(shapes)]
        maps.append(quantize(smooth_map(rng, h, w)))
    half = quantize(smooth_map(rng, 30, 20))
    maps.append(np.concatenate([half, half[:, ::-1]], axis=1))  # mirrored: equal-area ties
    maps.append(np.concatenate([half, half], axis=0))  # repeated: equal-area ties
    maps.append(np.full((20, 24), 7, np.uint16))  # constant
    plateau = quantize(smooth_map(rng, 32, 32), levels=6)  # few levels: big flat regions
    maps.append(plateau)
    return maps


def boxes_golden(rng):
    maps = box_maps(rng)
    taus = [0.0, 0.1, 0.2, 0.23, 0.25, 0.4, 0.6, 0.8, 0.95]
    cases = []
    for m in maps:
        cam = tscam_normalize(m.astype(np.float32))
        largest = [tscam_get_bboxes(cam, t) for t in taus]
        with np.errstate(invalid="ignore"):
            boxes, _ = wsol_boxes_at_thresholds(np.nan_to_num(cam), taus, True)
        cases.append({"h": m.shape[0], "w": m.shape[1], "map": b64(m), "largest": largest,
                      "all": [b.tolist() for b in boxes]})
    write("boxes_cv2.json", {"taus": taus, "maps": cases})
    return maps


def box_acc_golden(rng, maps):
    maps = maps[:20]
    scoremaps, gts = [], []
    for m in maps:
        h, w = m.shape
        scoremaps.append(tscam_normalize(m.astype(np.float32)).astype(np.float64))
        # GT near a blob of the map (so IoUs spread over [0, 1]), sometimes plus a random box.
        bx = tscam_get_bboxes(np.nan_to_num(tscam_normalize(m.astype(np.float32))), rng.uniform(0.1, 0.7))
        j = rng.integers(-3, 4, 4)
        boxes = [[int(np.clip(bx[0] + j[0], 0, w - 1)), int(np.clip(bx[1] + j[1], 0, h - 1)),
                  int(np.clip(bx[2] + j[2], 0, w - 1)), int(np.clip(bx[3] + j[3], 0, h - 1))]]
        boxes[0] = [min(boxes[0][0], boxes[0][2]), min(boxes[0][1], boxes[0][3]),
                    max(boxes[0][0], boxes[0][2]), max(boxes[0][1], boxes[0][3])]
        if rng.random() < 0.3:
            x0, x1 = sorted(rng.integers(0, w, 2))
            y0, y1 = sorted(rng.integers(0, h, 2))
            boxes.append([int(x0), int(y0), int(x1), int(y1)])
        gts.append(boxes)
    configs = [{"step": 0.01, "deltas": [30, 50, 70], "region": "all"},
               {"step": 0.001, "deltas": [30, 50, 70], "region": "all"},
               {"step": 0.01, "deltas": [50], "region": "largest"}]
    for cfg in configs:
        cfg.update(wsol_box_evaluator(scoremaps, gts, cfg["step"], cfg["deltas"], cfg["region"] == "all"))
    write("box_acc_wsol.json", {"gtBoxes": gts, "configs": configs})


def loc_golden(rng):
    size = 64
    records = []
    for _ in range(200):
        gt_label = int(rng.integers(0, 8))
        ranked = [int(c) for c in rng.permutation(8)[:5]]
        if rng.random() < 0.55:
            ranked.remove(gt_label) if gt_label in ranked else ranked.pop()
            ranked.insert(0 if rng.random() < 0.7 else int(rng.integers(1, 5)), gt_label)
        gt_boxes = []
        for _ in range(1 if rng.random() < 0.6 else int(rng.integers(2, 4))):
            x0, y0 = rng.integers(0, size - 8, 2)
            bw, bh = rng.integers(4, size // 2, 2)
            gt_boxes.append([int(x0), int(y0), int(min(x0 + bw, size - 1)), int(min(y0 + bh, size - 1))])
        g = gt_boxes[int(rng.integers(0, len(gt_boxes)))]
        kind = rng.integers(0, 4)
        if kind == 0:  # near a GT box
            j = rng.integers(-4, 5, 4)
            box = [g[0] + j[0], g[1] + j[1], g[2] + j[2], g[3] + j[3]]
        elif kind == 1:  # inside it (too small)
            box = [g[0] + 2, g[1] + 2, (g[0] + g[2]) // 2, (g[1] + g[3]) // 2]
        elif kind == 2:  # around it (too big)
            box = [g[0] - 10, g[1] - 10, g[2] + 12, g[3] + 12]
        else:  # anywhere
            box = sorted(rng.integers(0, size, 2).tolist()) + sorted(rng.integers(0, size, 2).tolist())
            box = [box[0], box[2], box[1], box[3]]
        box = [int(min(max(v, 0), size - 1)) for v in box]
        box = [min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])]
        records.append({"gtLabel": gt_label, "predLabels": ranked, "box": box, "gtBoxes": gt_boxes})
    for k in range(12):  # IoU exactly 0.5: separates '>' from '>='
        x0, y0 = int(rng.integers(0, 20)), int(rng.integers(0, 20))
        records.append({"gtLabel": k % 3, "predLabels": [k % 3, 5, 6, 7, 4] if k < 8 else [5, 6, k % 3, 7, 4],
                        "box": [x0, y0, x0 + 9, y0 + 9], "gtBoxes": [[x0, y0, x0 + 9, y0 + 19]]})

    categories, ious = [], []
    counts = {k: 0 for k in ("top1Cls", "top5Cls", "gtKnown", "top1Gt", "top5Gt", "top1Ge", "top5Ge")}
    for r in records:
        max_iou, max_gt_id = 0, 0  # cls_loc_err: strict '>' from 0, first best wins
        for i, g in enumerate(r["gtBoxes"]):
            v = cal_iou(r["box"], g)
            if v > max_iou:
                max_iou, max_gt_id = v, i
        ious.append(max_iou)
        top1 = r["predLabels"][0] == r["gtLabel"]
        top5 = r["gtLabel"] in r["predLabels"][:5]
        categories.append(badcase_detail(r["predLabels"][0], r["box"], r["gtBoxes"], r["gtLabel"], max_iou, max_gt_id))
        counts["top1Cls"] += top1
        counts["top5Cls"] += top5
        counts["gtKnown"] += max_iou >= 0.5
        counts["top1Gt"] += top1 and max_iou > 0.5
        counts["top5Gt"] += top5 and max_iou > 0.5
        counts["top1Ge"] += top1 and max_iou >= 0.5
        counts["top5Ge"] += top5 and max_iou >= 0.5
    n = len(records)
    pct = {k: 100 * v / n for k, v in counts.items()}
    write("loc_metrics.json", {
        "records": records, "maxIou": ious, "categories": categories,
        "metrics": {
            ">": {"top1Cls": pct["top1Cls"], "top5Cls": pct["top5Cls"], "gtKnownLoc": pct["gtKnown"],
                  "top1Loc": pct["top1Gt"], "top5Loc": pct["top5Gt"]},
            ">=": {"top1Cls": pct["top1Cls"], "top5Cls": pct["top5Cls"], "gtKnownLoc": pct["gtKnown"],
                   "top1Loc": pct["top1Ge"], "top5Loc": pct["top5Ge"]},
        },
        "errors": {k: 100 * categories.count(k) / n for k in ("Cls", "Right", "M-Ins", "Part", "More", "Wrong")},
    })


def box_scale_golden(rng):
    cases = []
    for _ in range(100):
        w, h = int(rng.integers(20, 1200)), int(rng.integers(20, 1200))
        x0, x1 = sorted(rng.integers(0, w, 2).tolist())
        y0, y1 = sorted(rng.integers(0, h, 2).tolist())
        if rng.random() < 0.2:  # boxes touching or past the image edge
            x1, y1 = w, h
        fw, fh = [(512, 512), (224, 224), (320, 240)][int(rng.integers(0, 3))]
        bbox = np.array([[x0, y0, x1, y1]], dtype=float)
        bx0, by0, bx1, by1 = np.split(bbox, 4, 1)
        # GenPromp datasets/base.py test_pipeline (square frame: resize_size = crop_size)
        genpromp = [int(np.maximum(bx0 / w * fw - 0, 0).astype(int)[0, 0]),
                    int(np.maximum(by0 / h * fh - 0, 0).astype(int)[0, 0]),
                    int(np.minimum(bx1 / w * fw - 0, fw - 1).astype(int)[0, 0]),
                    int(np.minimum(by1 / h * fh - 0, fh - 1).astype(int)[0, 0])]
        # wsolevaluation resize_bbox
        wsol = [int(x0 * float(fw) / w), int(y0 * float(fh) / h), int(x1 * float(fw) / w), int(y1 * float(fh) / h)]
        cases.append({"box": [x0, y0, x1, y1], "imageHW": [h, w], "frameHW": [fh, fw],
                      "genpromp": genpromp, "wsolevaluation": wsol})
    write("box_scale.json", {"cases": cases})


def colormap_golden(rng):
    ramp = np.arange(256, dtype=np.uint8).reshape(1, 256)
    cam = rng.random((16, 16), dtype=np.float32) * np.float32(1.02) - np.float32(0.01)
    cam[0, :4] = [0, 1, np.float32(58 / 255), np.float32(0.5)]
    with np.errstate(invalid="ignore"):
        idx = np.clip(np.trunc(cam * 255.), 0, 255).astype(np.uint8)  # applyColormap clamps
    out = {"map": b64(cam)}
    for name, cm in (("jet", cv2.COLORMAP_JET), ("viridis", cv2.COLORMAP_VIRIDIS)):
        out[name] = {"ramp": b64(cv2.applyColorMap(ramp, cm)[0]), "map": b64(cv2.applyColorMap(idx, cm))}
    base = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    heat = cv2.applyColorMap(idx, cv2.COLORMAP_JET)
    out["blend"] = {"base": b64(base), "heat": b64(heat), "out": b64((base * 0.5 + heat * 0.5).astype(np.uint8))}
    write("colormap_cv2.json", out)


def pil_golden(rng):
    specs = [("noise", 300, 200, 128, 128), ("ramps", 300, 200, 128, 128), ("noise", 97, 131, 128, 128),
             ("ramps", 97, 131, 128, 128), ("checker", 64, 64, 128, 128), ("noise", 64, 64, 128, 128),
             ("noise", 1000, 700, 256, 256), ("ramps", 1000, 700, 256, 256), ("checker", 640, 480, 512, 512),
             ("noise", 50, 80, 512, 512), ("noise", 128, 96, 128, 40), ("ramps", 40, 128, 40, 77),
             ("noise", 33, 33, 33, 33)]
    cases = []
    for seed, (kind, sw, sh, dw, dh) in enumerate(specs):
        img = test_image(kind, sw, sh, seed)
        out = np.asarray(Image.fromarray(img, "RGB").resize((dw, dh), Image.BICUBIC))
        cases.append({"kind": kind, "seed": seed, "srcW": sw, "srcH": sh, "dstW": dw, "dstH": dh,
                      "rowHashes": fnv1a_rows(out), "firstRow": b64(out[0]), "midRow": b64(out[dh // 2])})
    rgba = rng.integers(0, 256, (24, 24, 4), dtype=np.uint8)
    rgba[0, :4, 3] = [0, 255, 1, 254]
    bg = [255, 128, 0]
    write("pil_resize.json", {"cases": cases, "composite": {
        "rgba": b64(rgba), "bg": bg, "rgb": b64(composite_on_background(rgba, bg))}})


def main():
    for seed, fn in enumerate((resize_golden, numpy_semantics_golden, contours_golden, loc_golden,
                               box_scale_golden, colormap_golden, pil_golden)):
        fn(np.random.default_rng(1000 + seed))
    rng = np.random.default_rng(7)
    maps = boxes_golden(rng)
    box_acc_golden(rng, maps)


if __name__ == "__main__":
    main()
