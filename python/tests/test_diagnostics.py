"""Evaluation diagnostics (wsolkit/evaluate/diagnostics.py) on synthetic maps and tiny synthetic sets.

The end-to-end test runs the random-weight fixture checkpoint on a few generated pictures (no art
needed): its numbers are meaningless, the structure and the bookkeeping are real.
"""
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from conftest import ROOT
from wsolkit import paths
from wsolkit.evaluate import diagnostics as dg
from wsolkit.evaluate.reference import Reference
from wsolkit.localisation import MapSet, PairItem, peak_in_mask, toyworld_split

FIXTURE_PACK = ROOT / "public/models/fixture-tiny"
FIXTURE_CKPT = ROOT / "python/checkpoints/fixture-tiny.pt"
S = 64


def _blob(cx, cy, n=16, r=2.5):
    yy, xx = np.mgrid[0:n, 0:n]
    return np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)).astype(np.float32)


def _pair_item(cls, box, other_box):
    mask = np.zeros((S, S), bool)
    other = np.zeros((S, S), bool)
    mask[box[1] : box[3] + 1, box[0] : box[2] + 1] = True
    other[other_box[1] : other_box[3] + 1, other_box[0] : other_box[2] + 1] = True
    return PairItem(None, cls, [box], np.zeros((S, S, 3), np.uint8), mask, "cat", [other_box], other)


def test_wrong_classes_are_never_the_true_one_and_are_seeded():
    labels = [i % 5 for i in range(500)]
    w = dg.wrong_classes(labels, 5, seed=3)
    assert all(a != b for a, b in zip(labels, w))
    assert set(w) == set(range(5))  # every other class is drawn
    assert w == dg.wrong_classes(labels, 5, seed=3) and w != dg.wrong_classes(labels, 5, seed=4)


def test_peak_in_mask_follows_the_maximum():
    mask = np.zeros((S, S), bool)
    mask[:, : S // 2] = True
    assert peak_in_mask(_blob(3, 8), mask) and not peak_in_mask(_blob(12, 8), mask)


def test_selective_report_scores_only_the_named_object():
    a, b = [0, 0, 23, 23], [40, 40, 63, 63]  # 64² image, 16² map: cell = 4 px
    items = [_pair_item("dog", a, b), _pair_item("dog", a, b)]
    # first map on the named object, second on the other one
    ms = MapSet("m", [_blob(2.9, 2.9, r=2.0), _blob(12.9, 12.9, r=2.0)])
    r = dg.selective_report(ms, items, S, 0.3)
    assert r["maps"] == 2
    assert r["selective_gt_known"] == 50.0 and r["other_box"] == 50.0
    assert r["peak_in_own_mask"] == 50.0 and r["peak_in_other_mask"] == 50.0


def test_lambda_change_is_zero_for_equal_maps_and_counts_moved_boxes():
    m = [_blob(4, 4), _blob(10, 10)]
    same = dg.lambda_change(m, [2 * x for x in m], 0.5, 0.5, 128)  # max-normalised: scale does not count
    assert same["mean_abs_map_diff"] == 0.0 and same["box_changed"] == 0.0
    moved = dg.lambda_change(m, [_blob(4, 4), _blob(3, 12)], 0.5, 0.5, 128)
    assert moved["box_changed"] == 50.0 and moved["mean_abs_map_diff"] > 0.01


def test_merge_replaces_the_run_of_the_same_label(tmp_path):
    p = tmp_path / "d.json"
    p.write_text(json.dumps([{"label": "a", "x": 1}, {"label": "b", "x": 2}]))
    assert dg.merge_reports(p, {"label": "a", "x": 3}) == [{"label": "a", "x": 3}, {"label": "b", "x": 2}]
    assert dg.merge_reports(p, {"label": "c"})[-1] == {"label": "c"}
    assert dg.merge_reports(None, {"label": "c"}) == [{"label": "c"}]


def _shape(d, ci, box):
    colour = ((ci * 70) % 256, 255 - ci * 30, (ci * 110) % 256)
    (d.ellipse if ci % 2 else d.rectangle)(box, fill=colour)


@pytest.fixture()
def tiny_sets(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "EVAL_SETS", tmp_path)
    classes = ["dog", "cat", "bird"]
    rng = np.random.default_rng(0)
    for split in ("val", "test"):
        (tmp_path / split / "images").mkdir(parents=True)
        entries = []
        for ci, cls in enumerate(classes):
            for k in range(2):
                img = Image.new("RGB", (S, S), (128, 128, 128))
                x0, y0 = (int(v) for v in rng.integers(0, 30, 2))
                box = [x0, y0, x0 + 30, y0 + 30]
                _shape(ImageDraw.Draw(img), ci, box)
                img.save(tmp_path / split / f"images/{cls}{k}.png")
                entries.append({"file": f"images/{cls}{k}.png", "cls": cls, "boxes": [box]})
        (tmp_path / split / "annotations.json").write_text(json.dumps({"images": entries}))
        d = tmp_path / f"{split}-pairs"
        (d / "images").mkdir(parents=True)
        (d / "masks").mkdir()
        entries = []
        for ci in range(len(classes)):
            cj = (ci + 1) % 3
            img = Image.new("RGB", (S, S), (128, 128, 128))
            boxes = [[2, 2, 26, 26], [36, 36, 60, 60]]
            objs = []
            for j, (c, b) in enumerate(((ci, boxes[0]), (cj, boxes[1]))):
                _shape(ImageDraw.Draw(img), c, b)
                m = Image.new("L", (S, S), 0)
                ImageDraw.Draw(m).rectangle(b, fill=255)
                m.save(d / f"masks/p{ci}_{j}.png")
                objs.append({"cls": classes[c], "label": c, "box": b, "mask": f"masks/p{ci}_{j}.png"})
            img.save(d / f"images/p{ci}.png")
            entries.append({"file": f"images/p{ci}.png", "objects": objs})
        (d / "annotations.json").write_text(json.dumps({"images": entries}))
    return tmp_path


def test_run_diagnostics_end_to_end_on_the_fixture(tiny_sets, tmp_path):
    ref = Reference(FIXTURE_CKPT, FIXTURE_PACK)
    r = dg.run_diagnostics(ref, "fixture", lambdas=(0.0, 1.0), log=lambda *a: None)
    wc = r["wrong_class"]
    assert set(wc) == {"genpromp", "cam"} and wc["cam"]["images"] == 6
    for x in wc.values():
        for k in ("gt_known_true", "gt_known_wrong", "max_box_acc_v2_true", "max_box_acc_v2_wrong"):
            assert 0 <= x[k] <= 100
    for x in r["two_class"].values():
        t = x["test"]
        assert t["maps"] == 6 and 0 <= t["selective_gt_known"] <= 100
        # the two boxes are disjoint, so one box cannot hit both; the two masks too
        assert t["selective_gt_known"] + t["other_box"] <= 100 and t["peak_in_own_mask"] + t["peak_in_other_mask"] <= 100
    lam = r["lambda"]
    assert [x["lambda"] for x in lam["sweep"]] == [0.0, 1.0] and lam["images"] == 6 and lam["mean_abs_map_diff"] >= 0
    md = dg.diagnostics_markdown([r])
    assert "| fixture | GenPromp |" in md and "| fixture | CAM |" in md and "λ=1.0" in md
    doc = tmp_path / "doc.md"
    doc.write_text("# Results\n\ntext\n")
    dg.write_diagnostics_doc(md, doc)
    dg.write_diagnostics_doc(md, doc)  # idempotent: the section is replaced, not appended
    text = doc.read_text()
    assert text.count("## Diagnostics") == 1 and text.count("| fixture | CAM |") == 2 and text.startswith("# Results\n\ntext\n")


def test_a_classifier_checkpoint_replaces_the_packs_for_cam_and_the_classifier_report(tiny_sets, tmp_path):
    import torch

    from wsolkit.evaluate.report import classifier_report
    from wsolkit.models.lite0 import MEAN, STD, Lite0Classifier, Lite0Config

    classes = Reference(FIXTURE_CKPT, FIXTURE_PACK).classes
    torch.manual_seed(0)
    cfg = Lite0Config(num_classes=len(classes), image_size=64, last_stride=1)
    ck = tmp_path / "classifier_lite0.pt"
    torch.save({"config": cfg.to_dict(), "state": Lite0Classifier(cfg).state_dict(), "classes": classes, "mean": MEAN, "std": STD}, ck)
    ref = Reference(FIXTURE_CKPT, FIXTURE_PACK, classifier=ck)
    assert ref.clf_size == 64 and ref.clf_mean == list(MEAN) and ref.lpcam_data is None
    items = toyworld_split("test", ref.classes)[:2]
    assert ref.features(items).shape == (2, 1280, 4, 4) and ref.cam(items, [0, 1])[0].shape == (4, 4)
    r = classifier_report(ref, log=lambda *a: None)
    assert r["classifier"] == "classifier_lite0" and r["classification"]["test"]["images"] == 6
    assert set(r["rows"]) == {"cam", "cam_no_relu"} and all(0 <= x["gt_known"] <= 100 for x in r["rows"].values())
