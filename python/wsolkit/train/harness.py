"""A resumable training loop shared by every stage.

A run lives in one folder: `last.pt` (model, optimiser, step, RNG states, CPU and
wall seconds so far) is rewritten atomically every `save_every` steps, so a killed
run continues where it stopped with `--resume` semantics by default. Metrics go
to `metrics.jsonl`; the finished model, with its config and cost, to `final.pt`.
CPU time is `time.process_time()` (all threads of the process), which is what the
issue's budget counts.
"""
from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch


@dataclass
class StageResult:
    steps: int
    cpu_seconds: float
    wall_seconds: float
    metrics: dict = field(default_factory=dict)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _rng_state() -> dict:
    return {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}


def _set_rng_state(s: dict) -> None:
    random.setstate(s["python"])
    np.random.set_state(s["numpy"])
    torch.set_rng_state(s["torch"])


def _atomic_save(obj, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def run_stage(
    name: str,
    run_dir: Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    total_steps: int,
    train_step: Callable[[int], float],
    config: dict,
    seed: int = 0,
    scheduler=None,
    evaluate: Callable[[int], dict] | None = None,
    eval_every: int = 500,
    save_every: int = 200,
    log: Callable[[str], None] = print,
) -> StageResult:
    """Run (or resume) `train_step(step) -> loss` until `total_steps`."""
    run_dir.mkdir(parents=True, exist_ok=True)
    last = run_dir / "last.pt"
    step, cpu_done, wall_done = 0, 0.0, 0.0
    seed_everything(seed)
    if last.exists():
        ck = torch.load(last, map_location="cpu")
        if ck["config"] != config:
            raise SystemExit(f"{last} was made with a different config; use another --run-dir or delete it")
        model.load_state_dict(ck["model"])
        optimizer.load_state_dict(ck["optimizer"])
        if scheduler is not None and ck.get("scheduler"):
            scheduler.load_state_dict(ck["scheduler"])
        _set_rng_state(ck["rng"])
        step, cpu_done, wall_done = ck["step"], ck["cpu_seconds"], ck["wall_seconds"]
        log(f"[{name}] resuming at step {step} ({cpu_done / 60:.1f} CPU-min so far)")

    metrics_path = run_dir / "metrics.jsonl"
    cpu0, wall0 = time.process_time(), time.time()
    cost = lambda: (cpu_done + time.process_time() - cpu0, wall_done + time.time() - wall0)  # noqa: E731

    def save():
        cpu, wall = cost()
        _atomic_save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                      "scheduler": scheduler.state_dict() if scheduler is not None else None,
                      "rng": _rng_state(), "step": step, "cpu_seconds": cpu, "wall_seconds": wall,
                      "config": config}, last)

    losses: list[float] = []
    latest: dict = {}
    model.train()
    while step < total_steps:
        losses.append(float(train_step(step)))
        if scheduler is not None:
            scheduler.step()
        step += 1
        if step % 50 == 0 or step == total_steps:
            cpu, wall = cost()
            log(f"[{name}] step {step}/{total_steps} loss {np.mean(losses[-50:]):.4f} cpu {cpu / 60:.1f} min wall {wall / 60:.1f} min")
        if evaluate is not None and (step % eval_every == 0 or step == total_steps):
            model.eval()
            with torch.no_grad():
                latest = evaluate(step)
            model.train()
            cpu, wall = cost()
            with open(metrics_path, "a") as f:
                f.write(json.dumps({"step": step, "cpu_seconds": round(cpu, 1), **latest}) + "\n")
            log(f"[{name}] eval at {step}: {latest}")
        if step % save_every == 0 or step == total_steps:
            save()

    cpu, wall = cost()
    model.eval()
    _atomic_save({"config": config, "model": model.state_dict(), "steps": step,
                  "cpu_seconds": cpu, "wall_seconds": wall, "metrics": latest}, run_dir / "final.pt")
    log(f"[{name}] done: {step} steps, {cpu / 60:.1f} CPU-min, {wall / 60:.1f} wall-min")
    return StageResult(step, cpu, wall, latest)


def stage_args(ap, name: str, out: Path) -> None:
    """The options every stage shares: seed, threads, run folder, final checkpoint."""
    from .. import paths

    ap.add_argument("--seed", type=int, default=0, help="seed for init, batches and augmentation")
    ap.add_argument("--threads", type=int, default=2, help="torch threads")
    ap.add_argument("--run-dir", type=Path, default=paths.RUNS / name, help="resumable run folder")
    ap.add_argument("--out", type=Path, default=out, help="final checkpoint")


def stage_config(stage: str, args, **extra) -> dict:
    """What a resumed run must share with its start: every option except where it runs and on how many threads."""
    return {"stage": stage, **extra, **{k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k not in ("run_dir", "out", "threads")}}


def optimise(opt: torch.optim.Optimizer, loss: torch.Tensor) -> float:
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.item()


def write_result(out: Path, payload: dict, result: StageResult, summary: dict, log: Callable[[str], None] = print) -> None:
    """Save a stage's final checkpoint (`payload` + cost) and its one-line JSON summary next to it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({**payload, "cpu_seconds": result.cpu_seconds, "wall_seconds": result.wall_seconds, "steps": result.steps}, out)
    summary = {"cpu_minutes": round(result.cpu_seconds / 60, 1), "wall_minutes": round(result.wall_seconds / 60, 1), "steps": result.steps, **summary}
    out.with_suffix(".json").write_text(json.dumps(summary, indent=2) + "\n")
    log(json.dumps(summary))
