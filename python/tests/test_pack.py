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
    r = _pack("verify", ROOT / "public/models/fixture-tiny", ROOT / "public/models/toyworld")
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
