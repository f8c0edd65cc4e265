"""Smaller variants of an exported fp32 ONNX graph.

- `int8_weights`: weight-only int8 (symmetric, per output channel). Each large weight
  of a Conv/MatMul/Gemm becomes int8 + scale behind a DequantizeLinear node that
  keeps the original tensor name, so the graph is otherwise unchanged. ORT folds
  the dequantisation at session creation: the download is ~4× smaller, the maths
  stays fp32 (activations are not quantised, so maps move by ~1e-3, not 1e-1).
- `fp16`: every float tensor in fp16 with fp32 inputs/outputs (onnxconverter-common),
  for WebGPU adapters with shader-f16.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper


def _axis(op: onnx.NodeProto, ndim: int) -> int:
    if op.op_type in ("Conv", "Gather"):  # Gather: per table row
        return 0
    if op.op_type == "Gemm":
        trans_b = next((a.i for a in op.attribute if a.name == "transB"), 0)
        return 0 if trans_b else 1
    return ndim - 1  # MatMul: [K, N] → per output column


def int8_weights(src: Path, dst: Path, min_elements: int = 1024, gather: bool = False) -> int:
    """→ number of quantised tensors. `gather`: also embedding tables read by Gather (per row; off by
    default so existing packs rebuild byte-identically). SD's 49408-row CLIP table is most of its text encoder."""
    model = onnx.load(str(src))
    g = model.graph
    consumers: dict[str, list] = {}
    for n in g.node:
        for i, name in enumerate(n.input):
            consumers.setdefault(name, []).append((n, i))
    keep, dq_nodes, new_inits, count = [], [], [], 0
    for init in g.initializer:
        w = numpy_helper.to_array(init)
        uses = consumers.get(init.name, [])
        weight_use = uses and all((n.op_type in ("Conv", "MatMul", "Gemm") and i == 1) or (gather and n.op_type == "Gather" and i == 0)
                                  for n, i in uses)
        if not (weight_use and w.dtype == np.float32 and w.size >= min_elements and w.ndim >= 2):
            keep.append(init)
            continue
        axis = _axis(uses[0][0], w.ndim)
        reduce = tuple(d for d in range(w.ndim) if d != axis)
        scale = (np.abs(w).max(axis=reduce) / 127.0).astype(np.float32)
        scale[scale == 0] = 1.0
        shape = [1] * w.ndim
        shape[axis] = -1
        q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
        new_inits += [numpy_helper.from_array(q, init.name + "_int8"), numpy_helper.from_array(scale, init.name + "_scale"),
                      numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), init.name + "_zero")]
        dq_nodes.append(helper.make_node("DequantizeLinear", [init.name + "_int8", init.name + "_scale", init.name + "_zero"], [init.name],
                                         name=init.name + "_dequantize", axis=axis))
        count += 1
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(dq_nodes + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
    return count


def fp16(src: Path, dst: Path, keep_fp32_ops: tuple[str, ...] = ()) -> None:
    """keep_fp32_ops: op types left in fp32 besides onnxconverter-common's default list (e.g. Softmax)."""
    from onnxconverter_common import float16

    block = list(float16.DEFAULT_OP_BLOCK_LIST) + list(keep_fp32_ops) if keep_fp32_ops else None
    head = onnx.load(str(src), load_external_data=False)
    if not any(t.data_location == onnx.TensorProto.EXTERNAL for t in head.graph.initializer):
        model = float16.convert_float_to_float16(onnx.load(str(src)), keep_io_types=True, op_block_list=block)
    else:
        # Weights in external data (an SD UNet, 3 GB): the converter's own shape inference serialises the whole
        # model and fails past 2 GB, so infer from the file (next to it, so the shards resolve) and skip it.
        inferred = src.with_name(src.name + ".inferred.onnx")
        try:
            onnx.shape_inference.infer_shapes_path(str(src), str(inferred))
            model = float16.convert_float_to_float16(onnx.load(str(inferred)), keep_io_types=True, op_block_list=block,
                                                     disable_shape_infer=True)
        finally:
            inferred.unlink(missing_ok=True)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))


def max_abs_diff(fp32: Path, other: Path, seed=0) -> float:
    """Largest |Δ| of any output between two graphs on random inputs (onnxruntime CPU)."""
    import onnxruntime as ort  # only the pack builder and its tests need it

    a, b = ort.InferenceSession(str(fp32)), ort.InferenceSession(str(other))
    rng = np.random.default_rng(seed)
    feeds = {}
    for i in a.get_inputs():
        shape = [2 if isinstance(d, str) else d for d in i.shape]
        if i.name == "input_ids":
            feeds[i.name] = rng.integers(0, 40, shape).astype(np.int32)
        elif i.name in ("override_mask", "token_weights"):
            feeds[i.name] = np.eye(shape[1], dtype=np.float32)[[5] * shape[0]]
        elif i.name == "timestep":
            feeds[i.name] = np.array([0, 99], np.float32)
        else:
            feeds[i.name] = rng.standard_normal(shape).astype(np.float32)
    return max(float(np.abs(x - y).max()) for x, y in zip(a.run(None, feeds), b.run(None, feeds)))
