"""The reference evaluation, the pack variants and the toy world's words (no training needed)."""
import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from wsolkit import evaluate as ev
from wsolkit import genpromp as gp
from wsolkit import quantize
from wsolkit.pack import PROMPT_TEMPLATES
from wsolkit.scheduler import alphas_cumprod
from wsolkit.toyworld.catalog import CLASS_NAMES
from wsolkit.train import text as words

FIXTURE_PACK = ROOT / "public/models/fixture-tiny"
FIXTURE_CKPT = ROOT / "python/checkpoints/fixture-tiny.pt"


def test_every_class_and_concept_token_sits_at_position_5_in_every_template():
    spec = words.build_spec()
    for cls in CLASS_NAMES:
        for t in PROMPT_TEMPLATES:
            for w in (cls, words.concept_token(cls)):
                ids = words.ids(spec, [t.format(w)])[0].tolist()
                assert ids[5] == spec.tokenizer.token_to_id(w), (t, w, ids)
                assert len(ids) == words.CONTEXT_LENGTH and ids[-1] == spec.eos_id


def test_superclass_captions_are_positives_only_for_their_members():
    agree = words.consistent(["dog", "bus", "owl"], ["animal", "vehicle", "bird", "dog"])
    assert agree.tolist() == [[1, 0, 0, 1], [0, 1, 0, 0], [1, 0, 1, 0]]


def test_batched_reference_maps_equal_the_per_image_reference():
    ref = ev.Reference(FIXTURE_CKPT, FIXTURE_PACK)
    items = ev.load_items(ROOT / "public/samples-fixture", [{"file": f, "class": c, "boxes": []} for f, c in (("dog.png", "dog"), ("cat.png", "cat"))], ref.classes)
    raw = ev.genpromp_raw(ref, items, 0.6, [0, 99])
    f_d, f_r = ref.text_states()
    for i, it in enumerate(items):
        x = gp.to_model_input(gp.resize_pil_bicubic(it.rgb, (ref.size, ref.size)))
        z = gp.latent(ref.vae, x, ref.scaling, 1234)
        c = ref.classes.index(it.cls)
        single = gp.attention_maps(ref.unet, z, [0, 99], gp.mix(f_d[c : c + 1], f_r[c : c + 1], 0.6), 5, 1234, alphas_cumprod())
        for t in (0, 99):
            for name, m in single[t].items():
                np.testing.assert_allclose(raw[t][name][i], m, atol=2e-6)


def test_labels_with_an_unknown_class_or_bad_box_are_refused_with_the_reason(tmp_path):
    with pytest.raises(SystemExit, match="not one of the pack's classes"):
        ev.load_items(ROOT / "public/samples-fixture", [{"file": "dog.png", "class": "unicorn", "boxes": []}], ["dog"])
    with pytest.raises(SystemExit, match="x0 ≤ x1"):
        ev.load_items(ROOT / "public/samples-fixture", [{"file": "dog.png", "class": "dog", "boxes": [[10, 10, 5, 20]]}], ["dog"])
    with pytest.raises(SystemExit, match="does not exist"):
        ev.load_items(tmp_path, [{"file": "nope.png", "class": "dog", "boxes": []}], ["dog"])


def test_evaluate_cli_scores_a_custom_folder(tmp_path):
    samples = json.loads((ROOT / "public/samples-fixture/index.json").read_text())["samples"]
    labels = {"images": [{"file": s["file"], "class": s["label"], "boxes": s["boxes"]} for s in samples]}
    (tmp_path / "labels.json").write_text(json.dumps(labels))
    out = subprocess.run([sys.executable, "-m", "wsolkit.evaluate", "--checkpoint", str(FIXTURE_CKPT), "--pack", str(FIXTURE_PACK),
                          "--images", str(ROOT / "public/samples-fixture"), "--labels", str(tmp_path / "labels.json"), "--threshold", "0.3",
                          "--json", str(tmp_path / "r.json")], cwd=ROOT / "python", capture_output=True, text=True, check=True)
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["images"] == len(samples) and r["with_boxes"] == len(samples) and r["tau"] == 0.3
    for method in ("genpromp", "cam"):
        m = r[method]
        assert 0 <= m["gt_known"] <= 100 and 0 <= m["max_box_acc_v2"] <= 100
        assert abs(sum(m["errors"].values()) - 100) < 0.1, m["errors"]
    assert "GenPromp" not in out.stderr


def test_int8_and_fp16_variants_stay_close_to_fp32_and_are_smaller(tmp_path):
    src = FIXTURE_PACK / "unet.onnx"
    n = quantize.int8_weights(src, tmp_path / "u8.onnx")
    quantize.fp16(src, tmp_path / "u16.onnx")
    assert n > 10
    assert (tmp_path / "u8.onnx").stat().st_size < 0.5 * src.stat().st_size
    assert quantize.max_abs_diff(src, tmp_path / "u8.onnx") < 5e-3
    assert quantize.max_abs_diff(src, tmp_path / "u16.onnx") < 5e-3
    assert quantize.max_abs_diff(src, src) == 0.0
