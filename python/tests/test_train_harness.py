"""The training harness resumes exactly and refuses a changed config."""
import pytest
import torch

from wsolkit.train.harness import run_stage


def _stage(run_dir, total, config=None):
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def step(_):
        x = torch.randn(8, 4)  # global RNG: checkpointed by the harness
        loss = (model(x) - x[:, :2]).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    res = run_stage("t", run_dir, model, opt, total, step, config or {"lr": 0.1}, seed=0, save_every=1, log=lambda _: None)
    return model, res


def test_resumed_run_equals_uninterrupted_run(tmp_path):
    straight, _ = _stage(tmp_path / "a", 10)
    _stage(tmp_path / "b", 5)  # "killed" after 5 steps: last.pt holds step 5
    resumed, res = _stage(tmp_path / "b", 10)
    assert res.steps == 10 and res.cpu_seconds > 0
    for p, q in zip(straight.parameters(), resumed.parameters()):
        assert torch.equal(p, q)
    assert (tmp_path / "b" / "final.pt").exists()


def test_changed_config_is_refused(tmp_path):
    _stage(tmp_path / "c", 2)
    with pytest.raises(SystemExit, match="different config"):
        _stage(tmp_path / "c", 4, {"lr": 0.2})
