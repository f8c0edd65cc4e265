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
