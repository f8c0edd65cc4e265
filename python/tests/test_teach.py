"""The new-class head-row trainer (wsolkit.teach) and its committed golden for the browser's tfjs trainer."""
import json
import subprocess
import sys

import numpy as np
import torch

from wsolkit.paths import ROOT
from wsolkit.teach import HeadRowConfig, head_row_loss, imprint_row, train_head_row


def test_golden_regenerates(tmp_path):
    out = tmp_path / "golden.json"
    subprocess.run([sys.executable, str(ROOT / "python/scripts/write_teach_golden.py"), "--out", str(out)], check=True)
    got, want = json.loads(out.read_text()), json.loads((ROOT / "fixtures/golden/teach-head-row.json").read_text())
    assert got.keys() == want.keys()
    assert got["negativeLabels"] == want["negativeLabels"] and got["config"] == want["config"]
    for key in ("weight", "bias", "negatives", "positives", "heldOut", "losses", "row", "heldOutLogits"):  # floats: CPUs may differ
        np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-5, err_msg=key)


def test_only_the_new_row_learns_and_it_separates_the_new_class():
    g = torch.Generator().manual_seed(0)
    means = torch.randn(4, 8, generator=g) * 2
    weight, bias = means[:3].clone(), torch.zeros(3)
    labels = torch.arange(3).repeat_interleave(6)
    negatives = means[labels] + 0.3 * torch.randn(18, 8, generator=g)
    positives = means[3] + 0.3 * torch.randn(4, 8, generator=g)
    frozen = weight.clone()
    row, row_bias, losses = train_head_row(weight, bias, positives, negatives, labels, HeadRowConfig(steps=60))
    assert torch.equal(weight, frozen)
    assert losses[-1] < 0.2 * losses[0]
    assert float(head_row_loss(weight, bias, row, torch.tensor(row_bias), positives, negatives, labels)) < losses[-1]
    logits = torch.cat([positives @ weight.T + bias, (positives @ row + row_bias)[:, None]], 1)
    assert (logits.argmax(1) == 3).all()


def test_imprinted_row_points_from_the_negatives_mean_to_the_class_mean_at_the_heads_norm():
    weight = torch.tensor([[3.0, 0.0], [0.0, 1.0]])  # mean row norm 2
    negatives = torch.tensor([[1.0, 1.0], [3.0, 1.0]])  # mean (2, 1)
    positives = torch.tensor([[2.0, 4.0], [2.0, 6.0]])  # mean (2, 5): direction (0, 1)
    row, bias = imprint_row(weight, positives, negatives, scale=1.5, offset=0.5)
    assert torch.allclose(row, torch.tensor([0.0, 3.0]))
    assert abs(bias - (0.5 - 3.0)) < 1e-6  # the negatives' mean gets logit `offset`


def test_inversion_golden_regenerates(tmp_path):
    """The browser's textual inversion follows this golden (src/shared/teach/inversion.test.ts)."""
    out = tmp_path / "inversion.json"
    subprocess.run([sys.executable, str(ROOT / "python/scripts/write_teach_inversion_golden.py"), "--out", str(out)], check=True)
    got, want = json.loads(out.read_text()), json.loads((ROOT / "fixtures/golden/teach-inversion.json").read_text())
    assert got.keys() == want.keys()
    for key in ("wordId", "padId", "templateIds", "latentShape", "config"):  # integers and settings: exact
        assert got[key] == want[key], key
    for key in ("images", "templates", "timesteps", "flips"):
        assert got["step0"][key] == want["step0"][key], key
    def f32(b64):
        import base64
        return np.frombuffer(base64.b64decode(b64), "<f4")
    for key in ("latentMean", "latentLogvar"):  # floats: CPUs may differ
        np.testing.assert_allclose(f32(got[key]), f32(want[key]), rtol=1e-4, atol=1e-5, err_msg=key)
    np.testing.assert_allclose(got["row0"], want["row0"], rtol=0, atol=0)  # copied weights
    scale = np.abs(want["step0"]["grad"]).max()
    np.testing.assert_allclose(got["step0"]["grad"], want["step0"]["grad"], rtol=0, atol=1e-3 * scale)
    np.testing.assert_allclose(got["losses"], want["losses"], rtol=1e-4)
    np.testing.assert_allclose(got["row"], want["row"], rtol=0, atol=1e-4)


def test_step_draws_follow_the_shared_streams():
    """Images, templates and timesteps are uniform draws in range; the noise is wsolkit.noise's."""
    from wsolkit.noise import gaussian
    from wsolkit.teach import step_draws, step_seed
    d = step_draws(3, 5, batch=64, n_images=5, n_templates=7, latent_numel=16)
    assert set(d.images) <= set(range(5)) and set(d.templates) <= set(range(7)) and all(0 <= t < 1000 for t in d.timesteps)
    assert len(set(d.images)) == 5 and 0 < sum(d.flips) < 64
    np.testing.assert_array_equal(d.eps, gaussian((step_seed(3, 5) + 2) & 0xFFFFFFFF, 64 * 16))
    assert step_draws(3, 6, 64, 5, 7, 16).timesteps != d.timesteps


def test_the_committed_bank_belongs_to_the_packs_classifier_and_the_pack_ships_it():
    """The bank of negatives (build_teach_bank.py) was computed with the committed checkpoint's classifier,
    and the toy pack's teach_negatives.f32 and headRow section hold exactly it and the head's bias."""
    from wsolkit.checkpoint import load_model
    from wsolkit.teach import TEACH_BANK, head_digest

    bank = np.load(TEACH_BANK)
    clf = load_model("classifier", torch.load(ROOT / "python/checkpoints/toyworld.pt", map_location="cpu"))
    assert str(bank["classifier"]) == head_digest(clf.head.weight, clf.head.bias)
    labels = bank["labels"]
    assert np.bincount(labels).min() == np.bincount(labels).max() == 20  # balanced: 20 per known class
    pack = ROOT / "public/models/toyworld"
    head_row = json.loads((pack / "manifest.json").read_text())["teach"]["headRow"]
    shipped = np.fromfile(pack / head_row["negatives"]["path"], dtype="<f4").reshape(head_row["negatives"]["shape"])
    np.testing.assert_array_equal(shipped, bank["features"].astype(np.float32))
    assert head_row["negativeLabels"] == labels.tolist()
    np.testing.assert_array_equal(np.float32(head_row["bias"]), clf.head.bias.detach().float().numpy())
