"""Data-parallel evaluation with Hugging Face accelerate (0.19.0, GenPromp's pin).

Each process takes every N-th image still to do (rank r: todo[r::N]), evaluates it alone and
appends its record to OUT/part-<rank>.jsonl (one JSON line per image, flushed); the new
records are gathered on every process with `accelerate.utils.gather_object`, and the main
process merges them with the ones already on disk, sorts by image index and only then
computes metrics. A record depends on its image alone (the pack's noise is seeded, not drawn
per batch), so any process count gives the same records and the same numbers.

Resuming: a rerun with the same OUT reads every part-*.jsonl (whatever process count wrote
them), skips those images and appends the rest; OUT/config.json must match the run's settings.

How the processes start: by an existing launcher, never by this module. Each process builds
`Accelerator(cpu=…)`, which reads the ranks from the launcher's environment (gloo on CPU, NCCL on GPU):
- GPUs: `accelerate launch --multi_gpu --num_processes N -m wsolkit.evaluate …` (accelerate runs torchrun).
- CPU processes: `python -m torch.distributed.run --standalone --nproc_per_node N -m wsolkit.evaluate …`
  (torchrun itself; accelerate 0.19.0's `launch --cpu --num_processes N` starts ONE process and
  expects mpirun for more, so `mpirun -np N python -m wsolkit.evaluate …` works too).
- Debian's torch 1.13 on Python 3.11: torchrun's default `--redirects 0` parses to None
  (Std.from_str iterates an IntFlag, and Python 3.11 no longer yields its zero member) and it fails
  before starting workers; `--redirects 1 --tee 1` (stdout to a log and the console) avoids it.
accelerate 0.19.0 has no `split_between_processes`: the shard is a plain slice.
"""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path


def accelerator(cpu: bool):
    from accelerate import Accelerator
    from accelerate.utils import InitProcessGroupKwargs

    # A rank that finishes its shard waits for the others at the gather: allow a long run.
    return Accelerator(cpu=cpu, kwargs_handlers=[InitProcessGroupKwargs(timeout=timedelta(hours=48))])


def finish(acc) -> None:
    """Wait for every rank, then tear the process group down before the interpreter exits: a rank that exits with
    gloo's threads still alive aborts now and then ("terminate called without an active exception", SIGABRT)."""
    acc.wait_for_everyone()
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


# ---------------------------------------------------------------- result files
def read_records(out: Path | None) -> dict[int, dict]:
    """Records already written to OUT/part-*.jsonl (a torn last line is ignored)."""
    done: dict[int, dict] = {}
    if out is None:
        return done
    for part in sorted(out.glob("part-*.jsonl")):
        for line in part.read_text().splitlines():
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                continue
            done[r["index"]] = r
    return done


def check_config(out: Path, config: dict, is_main: bool) -> None:
    path = out / "config.json"
    if path.exists():
        old = json.loads(path.read_text())
        if old != config:
            diff = {k: (old.get(k), config.get(k)) for k in sorted(set(old) | set(config)) if old.get(k) != config.get(k)}
            raise SystemExit(f"{out} holds results of other settings {diff}; use another --out or delete it")
    elif is_main:
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(config, indent=2) + "\n")


class PartWriter:
    """Appends one JSON line per record to OUT/part-<rank>.jsonl, flushed, after any torn line."""

    def __init__(self, out: Path | None, rank: int):
        self.f = None
        if out is None:
            return
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"part-{rank}.jsonl"
        torn = path.exists() and path.stat().st_size and not path.read_bytes().endswith(b"\n")
        self.f = path.open("a")
        if torn:
            self.f.write("\n")

    def write(self, rec: dict) -> None:
        if self.f:
            self.f.write(json.dumps(rec) + "\n")
            self.f.flush()

    def close(self) -> None:
        if self.f:
            self.f.close()


def run_sharded(acc, samples: list, work, out: Path | None, progress: bool = True) -> list[dict] | None:
    """Evaluate every sample not yet in OUT, spread over the processes; → all records sorted by
    index on the main process, None on the others."""
    from accelerate.utils import gather_object
    from tqdm import tqdm

    done = read_records(out)
    todo = [s for s in samples if s.index not in done]
    mine = todo[acc.process_index :: acc.num_processes]
    writer = PartWriter(out, acc.process_index)
    new, error = [], None
    bar = tqdm(total=len(todo), desc=f"images ({acc.num_processes} processes)", disable=not (progress and acc.is_main_process),
               initial=0, smoothing=0.05)
    try:
        for s in mine:
            try:
                rec = work(s)
            except Exception as e:  # noqa: BLE001 — reported after the gather, so no rank waits forever for this one
                error = f"rank {acc.process_index}, image {s.index} ({s.path}): {type(e).__name__}: {e}"
                break
            writer.write(rec)
            new.append(rec)
            bar.update(acc.num_processes)  # the other ranks keep about the same pace
    finally:
        writer.close()
        bar.close()
    shards = gather_object([(new, error)]) if acc.num_processes > 1 else [(new, error)]
    errors = [e for _, e in shards if e]
    if errors:
        raise SystemExit("stopped, the records so far are kept for a resume: " + "; ".join(errors))
    if not acc.is_main_process:
        return None
    new = [r for recs, _ in shards for r in recs]
    wanted = {s.index for s in samples}
    merged = {i: r for i, r in done.items() if i in wanted}
    merged.update({r["index"]: r for r in new})
    if len(merged) != len(samples):
        raise SystemExit(f"{len(samples) - len(merged)} images have no result")
    return [merged[i] for i in sorted(merged)]
