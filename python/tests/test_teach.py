"""The new-class head-row trainer (wsolkit.teach) and its committed golden for the browser's tfjs trainer."""
import json
import subprocess
import sys

import numpy as np
import torch

from wsolkit.paths import ROOT
from wsolkit.teach import HeadRowConfig, head_row_loss, train_head_row


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
