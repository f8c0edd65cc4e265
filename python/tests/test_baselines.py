"""The baselines' reference (wsolkit.baselines, models/sat.py): properties, export, and the committed golden."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from conftest import ROOT, assert_golden_close
from wsolkit import baselines as bl
from wsolkit.models.sat import SAT, SATConfig, gaussian_kernel, sat_losses


def test_cam_is_relu_of_the_channel_mean():
    f = np.array([[[1.0, 0.0]], [[0.0, -2.0]]], np.float32)  # [K=2, 1, 2]
    w = np.array([[3.0, 1.0]], np.float32)
    assert bl.cam(f, w, 0).tolist() == [[1.5, 0.0]]
    assert bl.cam(f, w, 0, relu=False).tolist() == [[1.5, -1.0]]


def test_lpcam_subtracts_context_only_when_there_is_some():
    f = np.array([[[1.0, 1.0, 0.0]], [[0.0, 1.0, 1.0]]], np.float32)
    p, q = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    np.testing.assert_allclose(bl.lpcam(f, p, q), [[1, 0, 0]], atol=1e-7)
    np.testing.assert_allclose(bl.lpcam(f, p, q, subtract_context=False), [[1, 2**-0.5, 0]], atol=1e-7)
    np.testing.assert_allclose(bl.lpcam(f, p, np.zeros((0, 2))), [[1, 2**-0.5, 0]], atol=1e-7)


def test_kmeans_is_seeded_and_leaves_no_cluster_empty():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(size=(50, 8)) + 5 * np.eye(8)[i] for i in range(3)]).astype(np.float32)
    a = bl.kmeans_cosine(x, 3, np.random.default_rng(1), 100)
    b = bl.kmeans_cosine(x, 3, np.random.default_rng(1), 100)
    np.testing.assert_array_equal(a, b)
    # Three well-separated directions → one centre near each.
    assert sorted(int(np.argmax(c)) for c in a) == [0, 1, 2]
    # More clusters than distinct points: still k centres, none NaN.
    dup = np.repeat(x[:2], 5, axis=0)
    c = bl.kmeans_cosine(dup, 4, np.random.default_rng(0), 20)
    assert c.shape == (4, 8) and np.isfinite(c).all()


def test_prototypes_follow_the_selection_rules():
    # Two classes; class c's object features point along channel c, background along channel 2.
    rng = np.random.default_rng(0)
    n, K = 20, 3
    feats = np.zeros((2 * n, K, 4, 4), np.float32)
    labels = np.repeat([0, 1], n)
    for i, c in enumerate(labels):
        feats[i, 2] = 1 + 0.1 * rng.random((4, 4))
        feats[i, :, 1:3, 1:3] = 0
        feats[i, c, 1:3, 1:3] = 5 + rng.random((2, 2))
    head = np.array([[3.0, -3.0, 0.0], [-3.0, 3.0, 0.0]], np.float32)
    protos = bl.build_prototypes(feats, labels, head, bl.LPCAMSettings(k=2, images_per_class=n), log=lambda *_: None)
    for c, p in enumerate(protos):
        assert len(p["class"]) >= 1 and not p["fallback"]
        assert all(bl.softmax(v @ head.T)[c] > 0.9 for v in p["class"])
        # Background centres score 0.5 for either class: inside (0.05, 0.9), so they are context.
        assert len(p["context"]) >= 1
        assert all(0.05 < bl.softmax(v @ head.T)[c] < 0.9 for v in p["context"])


def test_sat_masks_are_probabilities_and_the_losses_follow_the_spec():
    torch.manual_seed(0)
    cfg = SATConfig(num_classes=5, image_size=32, patch_size=8, dim=24, depth=4, heads=2, sqa_blocks=3)
    model = SAT(cfg).eval()
    logits, maps = model(torch.randn(2, 3, 32, 32))
    assert logits.shape == (2, 5) and maps.shape == (2, 3, 4, 4)
    assert (maps > 0).all() and (maps < 1).all()
    k = gaussian_kernel()[0, 0]
    np.testing.assert_allclose(k.numpy(), [[0.0026, 0.046, 0.0026], [0.046, 0.8054, 0.046], [0.0026, 0.046, 0.0026]], atol=5e-4)
    loss, parts = sat_losses(logits, maps, torch.tensor([0, 1]), 0.25)
    area = abs(maps.mean(dim=1).mean().item() - 0.25)
    assert parts["area"] == pytest.approx(area, abs=1e-6)
    assert loss.item() == pytest.approx(parts["ce"] + parts["area"] + parts["norm"], rel=1e-5)


def test_sat_onnx_export_matches_torch(tmp_path):
    import onnxruntime as ort

    from wsolkit.pack import export_sat

    torch.manual_seed(0)
    model = SAT(SATConfig(num_classes=4, image_size=32, patch_size=8, dim=24, depth=4, heads=2)).eval()
    entry = export_sat(tmp_path, model)
    assert [o["name"] for o in entry["outputs"]] == ["logits", "block_maps"]
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        logits, maps = model(x)
    got = ort.InferenceSession(str(tmp_path / "sat.onnx"), providers=["CPUExecutionProvider"]).run(None, {"image": x.numpy()})
    np.testing.assert_allclose(got[0], logits.numpy(), atol=1e-5)
    np.testing.assert_allclose(got[1], maps.numpy(), atol=1e-5)


def test_baselines_golden_regenerates_within_float_tolerance_from_the_committed_checkpoint(tmp_path):
    out = tmp_path / "golden.json"
    subprocess.run([sys.executable, str(ROOT / "python/scripts/write_baselines_golden.py"), "--out", str(out)], check=True, capture_output=True)
    assert_golden_close(json.loads(out.read_text()), json.loads((ROOT / "fixtures/golden/baselines-toyworld.json").read_text()))
