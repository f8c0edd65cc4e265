"""Data-parallel evaluation with Hugging Face accelerate (0.19.0, GenPromp's pin).

Each process takes every N-th image still to do (rank r: todo[r::N]), evaluates it alone and
appends its record to OUT/part-<rank>.jsonl (one JSON line per image, flushed); the new
records are gathered on every process with `accelerate.utils.gather_object`, and the main
process merges them with the ones already on disk, sorts by image index and only then
computes metrics. A record depends on its image alone (the pack's noise is seeded, not drawn
per batch), so any process count gives the same records and the same numbers.

Resuming: a rerun with the same OUT reads every part-*.jsonl (whatever process count wrote
them), skips those images and appends the rest; OUT/config.json must match the run's settings.

How the processes start. accelerate 0.19.0 has neither `split_between_processes` nor a
CPU multi-process launcher of its own:
- `accelerate launch --cpu --num_processes N` runs ONE process (its simple launcher; N CPU
  processes need mpirun). `spawn_ranks` notices that launch (the parent's command line) and
  starts ranks 1..N−1 itself with torch.distributed's environment (RANK, WORLD_SIZE,
  LOCAL_RANK, MASTER_ADDR, MASTER_PORT); this process becomes rank 0 and `Accelerator(cpu=True)`
  then forms a gloo group (accelerate's MULTI_CPU). `--processes N` does the same without accelerate launch.
- under `accelerate launch --multi_gpu`, torchrun or mpirun the environment already names the ranks and
  nothing is spawned. (On Python 3.11 with torch 1.13, torch.distributed.run fails before starting
  workers, Std.from_str("0") → None; torch ≥ 2.0 or Python ≤ 3.10 are fine.)
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

RANK_VARS = ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE")


def launched_with_ranks() -> bool:
    return any(int(os.environ.get(v, "1")) > 1 for v in RANK_VARS)


def accelerate_cpu_processes() -> tuple[int, int | None] | None:
    """(N, --main_process_port or None) of `accelerate launch --cpu --num_processes N` when that launched
    this process as its only one."""
    if os.environ.get("ACCELERATE_USE_CPU", "").lower() != "true" or launched_with_ranks():
        return None
    try:
        argv = [a.decode() for a in Path(f"/proc/{os.getppid()}/cmdline").read_bytes().split(b"\0") if a]
    except OSError:
        return None
    if "launch" in argv:
        argv = argv[argv.index("launch") + 1 :]
    elif argv and Path(argv[min(1, len(argv) - 1)]).name == "accelerate-launch":
        argv = argv[2:]
    else:
        return None
    from accelerate.commands.launch import launch_command_parser

    try:
        args, _ = launch_command_parser().parse_known_args(argv)
    except SystemExit:
        return None
    return (args.num_processes, args.main_process_port) if args.num_processes and args.num_processes > 1 else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn_ranks(n: int, argv: list[str], port: int | None = None) -> list[subprocess.Popen]:
    """Make this process rank 0 of n and start ranks 1..n−1 running `python -m wsolkit.evaluate *argv`.
    `port`: the group's TCP port; by default a free one (accelerate's launcher exports 29500 whether or
    not it was asked for, and another run on the machine may hold it)."""
    port = str(port or free_port())
    base = {"WORLD_SIZE": str(n), "MASTER_ADDR": os.environ.get("MASTER_ADDR", "127.0.0.1"), "MASTER_PORT": port}
    children = []
    for rank in range(1, n):
        env = {**os.environ, **base, "RANK": str(rank), "LOCAL_RANK": str(rank)}
        children.append(subprocess.Popen([sys.executable, "-m", "wsolkit.evaluate", *argv], env=env))
    os.environ.update(base, RANK="0", LOCAL_RANK="0")
    return children


def wait_children(children: list[subprocess.Popen], failed: bool) -> None:
    for p in children:
        if failed and p.poll() is None:
            p.terminate()
        rc = p.wait()
        if rc and not failed:
            raise SystemExit(f"rank process {p.pid} exited with {rc}")


def accelerator(cpu: bool):
    from accelerate import Accelerator
    from accelerate.utils import InitProcessGroupKwargs

    # A rank that finishes its shard waits for the others at the gather: allow a long run.
    return Accelerator(cpu=cpu, kwargs_handlers=[InitProcessGroupKwargs(timeout=timedelta(hours=48))])


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
