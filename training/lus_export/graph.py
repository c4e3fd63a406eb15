"""Turns a folded ResNet into TF.js graph-model nodes (NodeDef JSON) and the weights they name, and runs those weights in PyTorch as the reference."""

from __future__ import annotations

import base64
from collections import OrderedDict
from typing import Dict, List, Tuple

import numpy as np
import torch

from .resnet import FoldedConv, FoldedResNet

INPUT_NAME = "input"
PROBS_NAME = "probs"
FEATURES_NAME = "features"
POOLED_NAME = "pooled"
CLASSIFIER_KERNEL = "classifier/kernel"
CLASSIFIER_BIAS = "classifier/bias"

DT_FLOAT = {"type": "DT_FLOAT"}
DT_INT32 = {"type": "DT_INT32"}


def _s(text: str) -> dict:
    # The graph-model parser base64-decodes string attributes.
    return {"s": base64.b64encode(text.encode("ascii")).decode("ascii")}


def _ints(values) -> dict:
    values = [str(int(v)) for v in values]
    # An empty list must still carry "list": {}; an attribute without it crashes the parser.
    return {"list": {"i": values}} if values else {"list": {}}


def _shape(dims) -> dict:
    return {"dim": [{"size": str(int(d))} for d in dims]}


def tf_padding(kernel: int, stride: int, padding: int, dilation: int = 1) -> Tuple[str, List[int]]:
    """TF padding that reproduces PyTorch's symmetric padding exactly.

    TF's SAME puts an odd extra pixel at the bottom/right, which for stride 2 shifts every sampled
    position; so stride-2 (and any other non-SAME-equivalent) padding is written out EXPLICITly.
    A dilated kernel spans dilation * (kernel - 1) + 1 pixels, and SAME pads for that span.
    """
    if padding == 0:
        return "VALID", []
    span = dilation * (kernel - 1) + 1
    if stride == 1 and 2 * padding == span - 1:
        return "SAME", []
    return "EXPLICIT", [0, 0, padding, padding, padding, padding, 0, 0]


def weight_tensors(folded: FoldedResNet, dtype=np.float32) -> "OrderedDict[str, np.ndarray]":
    """Every float weight the graph needs, in manifest order and TF layouts, cast to dtype (float64 keeps
    the folding exact, for checks)."""
    tensors: "OrderedDict[str, np.ndarray]" = OrderedDict()

    def add_conv(c: FoldedConv) -> None:
        tensors[f"{c.name}/kernel"] = np.ascontiguousarray(c.kernel.transpose(2, 3, 1, 0)).astype(dtype)
        tensors[f"{c.name}/bias"] = c.bias.astype(dtype)

    add_conv(folded.stem)
    for block in folded.blocks:
        for c in block.convs:
            add_conv(c)
        if block.downsample is not None:
            add_conv(block.downsample)
    tensors[CLASSIFIER_KERNEL] = np.ascontiguousarray(folded.fc_weight.T).astype(dtype)
    tensors[CLASSIFIER_BIAS] = folded.fc_bias.astype(dtype)
    return tensors


class _Graph:
    def __init__(self) -> None:
        self.nodes: List[dict] = []
        self.consts: "OrderedDict[str, np.ndarray]" = OrderedDict()

    def const(self, name: str, array: np.ndarray) -> str:
        dtype = "DT_INT32" if array.dtype == np.int32 else "DT_FLOAT"
        self.consts[name] = array
        self.nodes.append(
            {
                "name": name,
                "op": "Const",
                "attr": {
                    "value": {"tensor": {"dtype": dtype, "tensorShape": _shape(array.shape)}},
                    "dtype": {"type": dtype},
                },
            }
        )
        return name

    def op(self, name: str, op: str, inputs: List[str], attr: dict) -> str:
        self.nodes.append({"name": name, "op": op, "input": list(inputs), "attr": attr})
        return name

    def conv(self, x: str, c: FoldedConv, tensors: Dict[str, np.ndarray]) -> str:
        kernel = self.const(f"{c.name}/kernel", tensors[f"{c.name}/kernel"])
        bias = self.const(f"{c.name}/bias", tensors[f"{c.name}/bias"])
        padding, explicit = tf_padding(c.kernel.shape[2], c.stride, c.padding, c.dilation)
        fused = ["BiasAdd", "Relu"] if c.relu else ["BiasAdd"]
        return self.op(
            c.name,
            "_FusedConv2D",
            [x, kernel, bias],
            {
                "T": DT_FLOAT,
                "num_args": {"i": "1"},
                "fused_ops": {"list": {"s": [_s(f)["s"] for f in fused]}},
                "strides": _ints([1, c.stride, c.stride, 1]),
                "dilations": _ints([1, c.dilation, c.dilation, 1]),
                "padding": _s(padding),
                "explicit_paddings": _ints(explicit),
                "data_format": _s("NHWC"),
                "epsilon": {"f": 0},
            },
        )


def build_graph(folded: FoldedResNet, height: int, width: int, features: bool) -> Tuple[List[dict], dict, dict]:
    """Returns (nodes, weights by name in manifest order, output node names by role)."""
    tensors = weight_tensors(folded)
    g = _Graph()
    g.op(
        INPUT_NAME,
        "Placeholder",
        [],
        {"dtype": DT_FLOAT, "shape": {"shape": _shape([-1, height, width, 3])}},
    )
    x = g.conv(INPUT_NAME, folded.stem, tensors)
    p = folded.pool_padding
    # MaxPool ignores explicit paddings, so pad first. Zeros are safe: the input is after a ReLU, and
    # every window holds at least one real (non-negative) value.
    paddings = g.const("stem/maxpool/paddings", np.array([[0, 0], [p, p], [p, p], [0, 0]], dtype=np.int32))
    x = g.op("stem/maxpool/pad", "Pad", [x, paddings], {"T": DT_FLOAT, "Tpaddings": DT_INT32})
    x = g.op(
        "stem/maxpool",
        "MaxPool",
        [x],
        {
            "T": DT_FLOAT,
            "ksize": _ints([1, folded.pool_kernel, folded.pool_kernel, 1]),
            "strides": _ints([1, folded.pool_stride, folded.pool_stride, 1]),
            "padding": _s("VALID"),
            "data_format": _s("NHWC"),
        },
    )
    for block in folded.blocks:
        y = x
        for c in block.convs:
            y = g.conv(y, c, tensors)
        shortcut = g.conv(x, block.downsample, tensors) if block.downsample is not None else x
        added = g.op(f"{block.name}/add", "AddV2", [y, shortcut], {"T": DT_FLOAT})
        x = g.op(f"{block.name}/relu", "Relu", [added], {"T": DT_FLOAT})
    outputs = {"probabilities": PROBS_NAME}
    if features:
        # A stable name for heat maps, whatever the depth of the network.
        g.op(FEATURES_NAME, "Identity", [x], {"T": DT_FLOAT})
        outputs["featureMap"] = FEATURES_NAME
        outputs["pooledFeatures"] = POOLED_NAME
    axes = g.const(f"{POOLED_NAME}/axes", np.array([1, 2], dtype=np.int32))
    pooled = g.op(POOLED_NAME, "Mean", [x, axes], {"T": DT_FLOAT, "Tidx": DT_INT32, "keep_dims": {"b": False}})
    kernel = g.const(CLASSIFIER_KERNEL, tensors[CLASSIFIER_KERNEL])
    bias = g.const(CLASSIFIER_BIAS, tensors[CLASSIFIER_BIAS])
    mm = g.op(
        "logits/matmul",
        "MatMul",
        [pooled, kernel],
        {"T": DT_FLOAT, "transpose_a": {"b": False}, "transpose_b": {"b": False}},
    )
    logits = g.op("logits", "BiasAdd", [mm, bias], {"T": DT_FLOAT, "data_format": _s("NHWC")})
    g.op(PROBS_NAME, "Softmax", [logits], {"T": DT_FLOAT})
    return g.nodes, g.consts, outputs


@torch.no_grad()
def folded_forward(
    folded: FoldedResNet, x_nchw: torch.Tensor, tensors: dict | None = None, features: bool = False
) -> torch.Tensor | tuple:
    """Runs the folded network in PyTorch (NCHW; float32, or float64 for a float64 x) with per-name weights.

    tensors maps graph weight names ("<conv>/kernel" as HWIO, "<conv>/bias", "classifier/kernel" as [in, out],
    "classifier/bias") to numpy arrays: pass the dequantised weights to see what a float16 or uint8 export
    computes, without TF.js. Without tensors the float32 cast of the folded weights is used.
    """
    if tensors is None:
        tensors = weight_tensors(folded)

    dtype = x_nchw.dtype if x_nchw.dtype == torch.float64 else torch.float32

    def weight(name: str, transpose=None) -> torch.Tensor:
        array = tensors[name] if transpose is None else tensors[name].transpose(*transpose)
        return torch.from_numpy(np.ascontiguousarray(array)).to(dtype)

    def conv(x, c: FoldedConv):
        k = weight(f"{c.name}/kernel", (3, 2, 0, 1))
        b = weight(f"{c.name}/bias")
        y = torch.nn.functional.conv2d(x, k, b, stride=c.stride, padding=c.padding, dilation=c.dilation)
        return torch.relu(y) if c.relu else y

    x = conv(x_nchw.to(dtype), folded.stem)
    x = torch.nn.functional.max_pool2d(x, folded.pool_kernel, folded.pool_stride, folded.pool_padding)
    for block in folded.blocks:
        y = x
        for c in block.convs:
            y = conv(y, c)
        shortcut = conv(x, block.downsample) if block.downsample is not None else x
        x = torch.relu(y + shortcut)
    pooled = x.mean(dim=(2, 3))
    probs = torch.softmax(pooled @ weight("classifier/kernel") + weight("classifier/bias"), dim=1)
    if features:
        return probs, x, pooled
    return probs
