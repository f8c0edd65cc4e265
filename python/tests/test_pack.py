"""python -m wsolkit.pack: verify a pack folder against its manifest, rebuild the packs byte-identically."""
import hashlib
import json
import shutil
import subprocess
import sys

from conftest import ROOT, assert_golden_close


def _pack(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "wsolkit.pack", *map(str, args)], cwd=cwd, capture_output=True, text=True)


def _digest(folder, skip=()):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.name not in skip}


def test_verify_accepts_the_committed_packs():
    r = _pack("verify", ROOT / "public/models/fixture-tiny", ROOT / "public/models/toyworld", ROOT / "public/models/imagenet-lite0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok:")


def test_verify_names_a_changed_or_missing_file(tmp_path):
    pack = tmp_path / "fixture-tiny"
    shutil.copytree(ROOT / "public/models/fixture-tiny", pack)
    data = bytearray((pack / "concepts.f32").read_bytes())
    data[0] ^= 1
    (pack / "concepts.f32").write_bytes(bytes(data))
    (pack / "tokenizer.json").unlink()
    r = _pack("verify", pack)
    assert r.returncode == 1
    assert "concepts.f32: sha256 differs" in r.stderr and "tokenizer.json: missing" in r.stderr, r.stderr
    (pack / "concepts.f32").write_bytes(bytes(data) + b"\0")
    assert "bytes, the manifest says" in _pack("verify", pack).stderr


def test_fixture_pack_rebuilds_byte_identically(tmp_path):
    r = _pack("rebuild", "fixture", "--out", tmp_path / "models", "--samples", tmp_path / "samples", "--checkpoint", tmp_path / "ck.pt",
              cwd=ROOT / "python")  # from python/ too, as the README's training commands run
    assert r.returncode == 0, r.stderr
    assert _digest(tmp_path / "models/fixture-tiny") == _digest(ROOT / "public/models/fixture-tiny")
    assert _digest(tmp_path / "samples") == _digest(ROOT / "public/samples-fixture")


def test_toyworld_pack_rebuilds_byte_identically_from_the_committed_checkpoint(tmp_path):
    r = _pack("rebuild", "toyworld", "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    got, want = tmp_path / "toyworld", ROOT / "public/models/toyworld"
    # variants.json records onnxruntime's fp32-vs-int8/fp16 differences: floats computed on this CPU, so within tolerance.
    assert _digest(got, skip={"variants.json"}) == _digest(want, skip={"variants.json"})
    assert_golden_close(json.loads((got / "variants.json").read_text()), json.loads((want / "variants.json").read_text()))
    assert _pack("verify", got).returncode == 0


def _classifier_only_manifest(out, **overrides):
    from wsolkit import pack

    head = pack.write_f32(out, "cam_head.f32", [[1.0, 0.0], [0.0, 1.0]])
    clf = {"role": "classifier", "inputs": [pack.tensor_spec("image", "float32", ["batch", 3, 8, 8])],
           "outputs": [pack.tensor_spec("logits", "float32", ["batch", 2]), pack.tensor_spec("features", "float32", ["batch", 2, 2, 2])],
           "variants": []}
    args = dict(pack_id="photo", label="Photo", description="d", license={"spdx": "MIT", "attribution": None, "notes": ""},
                script="s.py", classes=[{"name": "a", "displayName": "A"}, {"name": "b", "displayName": "B"}],
                classifier_size=8, classifier_mean=[0, 0, 0], classifier_std=[1, 1, 1], exported={"models": {"classifier": clf}},
                threshold=0.4, baselines={"cam": {"featureOutput": "features", "head": head}})
    return pack.build_manifest(out, **{**args, **overrides})


def test_build_manifest_writes_a_classifier_only_pack_without_diffusion_sections(tmp_path):
    m = _classifier_only_manifest(tmp_path)
    for section in ("tokenizer", "representativeEmbeddings", "promptTemplates", "vae", "scheduler", "textEncoder", "unetAttention", "genpromp"):
        assert section not in m
    assert list(m["models"]) == ["classifier"]
    assert m["defaultThreshold"] == 0.4
    assert m["preprocess"]["size"] == [8, 8]  # the classifier frame
    assert "metaToken" not in m["classes"][0] and "conceptToken" not in m["classes"][0]


def test_build_manifest_refuses_a_partial_diffusion_pack_or_one_that_would_show_nothing(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="missing: text_encoder, unet, spec, concept_rows"):
        _classifier_only_manifest(tmp_path, vae=object())
    with pytest.raises(ValueError, match="needs baselines"):
        _classifier_only_manifest(tmp_path, baselines=None)


def test_build_manifest_names_sats_own_input_only_with_a_sat_model(tmp_path):
    import pytest

    from wsolkit import pack

    own = {"size": 8, "mean": (0.5, 0.5, 0.5), "std": (0.25, 0.25, 0.25)}
    with pytest.raises(ValueError, match="exports no SAT model"):
        _classifier_only_manifest(tmp_path, sat_preprocess=own)
    sat = {"role": "sat", "inputs": [pack.tensor_spec("image", "float32", ["batch", 3, 8, 8])], "outputs": [], "variants": []}
    clf = _classifier_only_manifest(tmp_path)["models"]["classifier"]
    m = _classifier_only_manifest(tmp_path, sat_preprocess=own, exported={"models": {"classifier": clf, "sat": sat}})
    assert m["satPreprocess"] == {"size": [8, 8], "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]}
    assert m["classifierPreprocess"]["std"] == [1, 1, 1]
    assert "satPreprocess" not in _classifier_only_manifest(tmp_path)
