"""The reference pipeline's own properties, and reproducibility of committed artefacts."""
import json
import subprocess
import sys

import numpy as np

from conftest import ROOT, assert_golden_close
from wsolkit import genpromp as gp
from wsolkit import noise
from wsolkit.scheduler import add_noise, alphas_cumprod

# How fixtures/golden/genpromp-toyworld.json is made (held-out test-style images from the gallery).
TOYWORLD_GOLDEN_ARGS = ["--pack", str(ROOT / "public/models/toyworld"), "--checkpoint", str(ROOT / "python/checkpoints/toyworld.pt"),
                        "--images", *(str(ROOT / f"public/samples/{n}.png") for n in ("dog", "penguin", "airplane"))]


def test_noise_is_deterministic_and_standard_normal():
    a, b = noise.gaussian(1234, 20001), noise.gaussian(1234, 20001)
    assert a.dtype == np.float32 and np.array_equal(a, b)
    assert abs(a.mean()) < 0.03 and abs(a.std() - 1) < 0.03
    assert not np.array_equal(noise.gaussian(1, 10), noise.gaussian(2, 10))


def test_scheduler_matches_genpromp_spec_values():
    acp = alphas_cumprod()
    # Derived from the scaled-linear schedule (β 0.00085 → 0.012, 1000 steps): ᾱ_0 = 1 − β_0 = 0.99915, ᾱ_99 = 0.895463
    assert abs(acp[0] - 0.99915) < 1e-6 and abs(acp[99] - 0.895463) < 1e-6
    z, e = np.ones(4, np.float32), np.zeros(4, np.float32)
    assert np.allclose(add_noise(z, e, 0, acp), np.sqrt(acp[0]))


def test_composite_rounds_half_up_onto_background():
    rgba = np.array([[[200, 100, 0, 255], [200, 100, 0, 0], [200, 100, 0, 128]]], np.uint8)
    out = gp.composite(rgba, (255, 255, 255))
    assert out[0, 0].tolist() == [200, 100, 0]
    assert out[0, 1].tolist() == [255, 255, 255]
    assert out[0, 2].tolist() == [(128 * 200 + 127 * 255 + 127) // 255, (128 * 100 + 127 * 255 + 127) // 255, (127 * 255 + 127) // 255]


def test_aggregate_is_max_normalised_and_localize_handles_empty_maps():
    maps = {0: {"a": np.random.default_rng(0).random(16, dtype=np.float32), "b": np.random.default_rng(1).random(64, dtype=np.float32)}}
    cam = gp.aggregate(maps, [0], [4, 8], [("a", "mid", 4), ("b", "up", 8)], (32, 32))
    assert cam.shape == (32, 32) and abs(cam.max() - 1) < 1e-6
    assert gp.localize(np.zeros((32, 32), np.float32), (128, 128), 0.25, "largest") == [[0, 0, 1, 1]]
    blob = np.zeros((32, 32), np.float32)
    blob[8:16, 4:20] = 1
    assert gp.localize(blob, (32, 32), 0.5, "largest") == [[4, 8, 20, 16]]


def test_pipeline_golden_regenerates_within_float_tolerance(tmp_path):
    out = tmp_path / "golden.json"
    subprocess.run([sys.executable, str(ROOT / "python/scripts/write_pipeline_golden.py"), "--out", str(out)], check=True, capture_output=True)
    assert_golden_close(json.loads(out.read_text()), json.loads((ROOT / "fixtures/golden/genpromp-fixture.json").read_text()))


def test_toyworld_golden_regenerates_within_float_tolerance_from_the_committed_checkpoint(tmp_path):
    out = tmp_path / "golden.json"
    subprocess.run([sys.executable, str(ROOT / "python/scripts/write_pipeline_golden.py"), *TOYWORLD_GOLDEN_ARGS, "--out", str(out)], check=True, capture_output=True)
    assert_golden_close(json.loads(out.read_text()), json.loads((ROOT / "fixtures/golden/genpromp-toyworld.json").read_text()))


def test_update_index_keeps_and_assigns_the_default(tmp_path):
    from wsolkit.pack import update_index

    update_index(tmp_path, "a", "A")
    update_index(tmp_path, "b", "B")
    update_index(tmp_path, "a", "A again")
    packs = json.loads((tmp_path / "index.json").read_text())["packs"]
    assert [(p["id"], p["default"]) for p in packs] == [("a", True), ("b", False)]
    update_index(tmp_path, "b", "B", make_default=True)
    packs = json.loads((tmp_path / "index.json").read_text())["packs"]
    assert [(p["id"], p["default"]) for p in packs] == [("a", False), ("b", True)]
