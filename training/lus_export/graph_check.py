"""Runs an emitted graph model (model.json + weight bytes) in PyTorch with TensorFlow's op semantics.

This is the exporter's own check that the written nodes compute what the PyTorch model computes, before
the folder is published; it reads the JSON and bytes as written, so a wrong attribute or padding shows up
here and not first in the browser. TF.js parity itself is proven by the TypeScript tests.
"""

from __future__ import annotations

import base64
import math
from typing import Dict, List

import numpy as np
import torch
import torch.nn.functional as F

from .errors import ExportError
from .weights import EncodedWeight, decode

SUPPORTED_OPS = {
    "Placeholder",
    "Const",
    "_FusedConv2D",
    "Pad",
    "MaxPool",
    "AddV2",
    "Relu",
    "Identity",
    "Mean",
    "MatMul",
    "BiasAdd",
    "Softmax",
}


def _str(attr: dict) -> str:
    return base64.b64decode(attr["s"]).decode("ascii")


def _ints(attr: dict) -> List[int]:
    return [int(v) for v in attr["list"].get("i", [])]


def _tf_pads(padding: str, explicit: List[int], size: int, kernel: int, stride: int, axis: int, dilation: int = 1) -> tuple:
    kernel = dilation * (kernel - 1) + 1  # the span a dilated kernel covers
    if padding == "VALID":
        return 0, 0
    if padding == "EXPLICIT":
        return explicit[2 * axis], explicit[2 * axis + 1]
    if padding == "SAME":
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + kernel - size, 0)
        return total // 2, total - total // 2
    raise ExportError(f"unknown padding {padding!r}")


def manifest_layout(manifest: List[dict]) -> List[tuple]:
    """(entry, byte offset, byte length) of each weight in a manifest group: TF.js packs the values back to back,
    in manifest order, across the group's shards."""
    out = []
    offset = 0
    for entry in manifest:
        q = entry.get("quantization")
        size = int(np.prod(entry["shape"])) if entry["shape"] else 1
        nbytes = size * ({"uint8": 1, "float16": 2}[q["dtype"]] if q else 4)
        out.append((entry, offset, nbytes))
        offset += nbytes
    return out


def weights_from_manifest(manifest: List[dict], blob: bytes) -> Dict[str, np.ndarray]:
    """Decodes a weights manifest group the way TF.js does (values back to back, in manifest order)."""
    out: Dict[str, np.ndarray] = {}
    offset = 0
    for entry, start, nbytes in manifest_layout(manifest):
        data = blob[start : start + nbytes]
        offset = start + nbytes
        out[entry["name"]] = decode(EncodedWeight(entry["name"], tuple(entry["shape"]), entry["dtype"], data,
                                                  entry.get("quantization")))
    if offset != len(blob):
        raise ExportError(f"weights manifest describes {offset} bytes but the shards hold {len(blob)}")
    return out


@torch.no_grad()
def run_graph(nodes: List[dict], weights: Dict[str, np.ndarray], x_nhwc: np.ndarray, outputs: List[str]) -> list:
    """Evaluates the nodes in order (the exporter writes them topologically sorted); float32 or float64."""
    values: Dict[str, torch.Tensor] = {}
    for node in nodes:
        op = node["op"]
        if op not in SUPPORTED_OPS:
            raise ExportError(f"graph check: op {op} is not handled")
        attr = node.get("attr", {})
        ins = [values[name.split(":")[0]] for name in node.get("input", [])]
        if op == "Placeholder":
            result = torch.from_numpy(np.ascontiguousarray(x_nhwc))
        elif op == "Const":
            value = np.array(weights[node["name"]])
            # Float weights follow the input's precision: a float64 run isolates structural errors from rounding.
            result = torch.from_numpy(value.astype(x_nhwc.dtype) if value.dtype.kind == "f" else value)
        elif op == "_FusedConv2D":
            x, kernel, bias = ins
            stride = _ints(attr["strides"])[1:3]
            dilation = _ints(attr["dilations"])
            if dilation[0] != 1 or dilation[3] != 1 or _str(attr["data_format"]) != "NHWC":
                raise ExportError(f"graph check: {node['name']} has unsupported dilations or data format")
            dilation = dilation[1:3]
            padding = _str(attr["padding"])
            explicit = _ints(attr["explicit_paddings"])
            kh, kw = kernel.shape[0], kernel.shape[1]
            top, bottom = _tf_pads(padding, explicit, x.shape[1], kh, stride[0], 1, dilation[0])
            left, right = _tf_pads(padding, explicit, x.shape[2], kw, stride[1], 2, dilation[1])
            xn = F.pad(x.permute(0, 3, 1, 2), (left, right, top, bottom))
            y = F.conv2d(xn, kernel.permute(3, 2, 0, 1), bias, stride=stride, dilation=dilation).permute(0, 2, 3, 1)
            fused = [base64.b64decode(s).decode("ascii") for s in attr["fused_ops"]["list"]["s"]]
            if fused == ["BiasAdd", "Relu"]:
                y = torch.relu(y)
            elif fused != ["BiasAdd"]:
                raise ExportError(f"graph check: {node['name']} has fused ops {fused}")
            result = y
        elif op == "Pad":
            x, pads = ins
            p = pads.tolist()
            result = F.pad(x, (p[3][0], p[3][1], p[2][0], p[2][1], p[1][0], p[1][1], p[0][0], p[0][1]))
        elif op == "MaxPool":
            if _str(attr["padding"]) != "VALID":
                raise ExportError(f"graph check: {node['name']} must be VALID (pad before it)")
            k = _ints(attr["ksize"])[1:3]
            s = _ints(attr["strides"])[1:3]
            result = F.max_pool2d(ins[0].permute(0, 3, 1, 2), k, s).permute(0, 2, 3, 1)
        elif op == "AddV2":
            result = ins[0] + ins[1]
        elif op == "Relu":
            result = torch.relu(ins[0])
        elif op == "Identity":
            result = ins[0]
        elif op == "Mean":
            result = ins[0].mean(dim=tuple(int(a) for a in ins[1].tolist()), keepdim=attr["keep_dims"]["b"])
        elif op == "MatMul":
            result = ins[0] @ ins[1]
        elif op == "BiasAdd":
            result = ins[0] + ins[1]
        else:  # Softmax
            result = torch.softmax(ins[0], dim=-1)
        values[node["name"]] = result
    return [values[name].numpy() for name in outputs]
