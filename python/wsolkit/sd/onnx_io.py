"""ONNX export and saving for SD-sized graphs.

One protobuf holds at most 2 GB and a browser holds one file in one buffer of about as much,
so a graph whose weights pass SHARD_BYTES is saved as a small .onnx plus external-data
shards `<name>.onnx.data0`, `.data1`, … each under SHARD_BYTES; every initializer's
`location` names its shard (what onnxruntime-web's `externalData: [{path, data}]` needs).
An SD 1.x fp32 UNet (3.4 GB) becomes two shards; fp16 and int8 variants fit one file.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import onnx
import torch
from onnx import numpy_helper
from onnx.external_data_helper import set_external_data

from .. import pack

SHARD_BYTES = 2**31 - 2**24  # under the 2 GiB − 1 a manifest FileRef may hold, with room to spare
MIN_EXTERNAL = 1024  # smaller tensors stay in the graph file


def _init_bytes(model: onnx.ModelProto) -> int:
    return sum(len(t.raw_data) or numpy_helper.to_array(t).nbytes for t in model.graph.initializer)


def save(model: onnx.ModelProto, path: Path, shard_bytes: int = SHARD_BYTES) -> list[Path]:
    """Save `model` at `path`; weights in shards when they pass `shard_bytes` → the shard paths ([] when none)."""
    if _init_bytes(model) < shard_bytes:
        onnx.save(model, str(path))
        return []
    shards: list[Path] = []
    handle, used = None, shard_bytes
    for t in model.graph.initializer:
        if not t.raw_data:
            t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t), t.name))
        data = t.raw_data
        if len(data) < MIN_EXTERNAL:
            continue
        if len(data) > shard_bytes:
            raise ValueError(f"tensor {t.name} alone ({len(data)} bytes) is over the shard size {shard_bytes}")
        if used + len(data) > shard_bytes:
            if handle:
                handle.close()
            shards.append(path.with_name(f"{path.name}.data{len(shards)}"))
            handle, used = open(shards[-1], "wb"), 0
        set_external_data(t, location=shards[-1].name, offset=used, length=len(data))
        handle.write(data)
        used += len(data)
        t.ClearField("raw_data")
        t.data_location = onnx.TensorProto.EXTERNAL
    if handle:
        handle.close()
    onnx.save(model, str(path))
    return shards


def export(module: torch.nn.Module, args: tuple, path: Path, inputs: list[dict], outputs: list[dict],
           shard_bytes: int = SHARD_BYTES) -> list[Path]:
    """torch.onnx.export (opset pack.OPSET, dynamic batch) into a scratch folder (torch writes one file per
    tensor past 2 GB), check names and validity, save at `path` with shards → the shard paths."""
    module.eval()
    dynamic = {s["name"]: {i: d for i, d in enumerate(s["dims"]) if isinstance(d, str)} for s in inputs + outputs}
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        raw = Path(tmp) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(module, args, str(raw), opset_version=pack.OPSET, do_constant_folding=True,
                              input_names=[s["name"] for s in inputs], output_names=[s["name"] for s in outputs],
                              dynamic_axes={k: v for k, v in dynamic.items() if v})
        model = onnx.load(str(raw))
    got_in, got_out = [i.name for i in model.graph.input], [o.name for o in model.graph.output]
    assert got_in == [s["name"] for s in inputs], (path, got_in)
    assert got_out == [s["name"] for s in outputs], (path, got_out)
    shards = save(model, path, shard_bytes)
    onnx.checker.check_model(str(path))
    return shards


def variant(root: Path, path: Path, shards: list[Path], precision="fp32", backends=("webgpu", "wasm"), requires=()) -> dict:
    """pack.variant plus the external-data shards' FileRefs."""
    return {**pack.variant(root, path, precision, backends, requires), "externalData": [pack.file_ref(root, s) for s in shards]}
