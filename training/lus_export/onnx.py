"""Exports the same ResNet to ONNX (the peer in performance comparisons), with the TF.js model's input and output."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Dict

import torch
from torch import nn

from .errors import ExportError
from .resnet import fold_resnet
from .tfjs import parse_input_size

ONNX_INPUT = "input"
ONNX_OUTPUT = "probs"


class NhwcSoftmax(nn.Module):
    """NHWC float32 in (already normalised, as the TF.js model takes it), probabilities out."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.model(x.permute(0, 3, 1, 2)), dim=1)


def export_onnx(
    model: nn.Module,
    out_file: str | Path,
    *,
    architecture: str,
    input_size=224,
    opset: int = 13,
    overwrite: bool = False,
) -> Dict[str, float]:
    """Writes model.onnx: input "input" [batch, H, W, 3] NHWC float32, output "probs" [batch, classes].

    NHWC so both engines get the very same tensor from the app's preprocessing; the leading Transpose is
    part of the ONNX graph and so part of its measured time. BatchNorm is folded by torch.onnx in eval mode.
    """
    if opset < 13:
        raise ExportError(f"--opset {opset}: use 13 or newer")
    was_training = model.training
    model.eval()
    try:
        return _export(model, out_file, architecture, input_size, opset, overwrite)
    finally:
        model.train(was_training)  # training code may call this between epochs


def _export(model: nn.Module, out_file, architecture: str, input_size, opset: int, overwrite: bool) -> dict:
    fold_resnet(model, architecture)  # the same architecture checks as the TF.js export
    height, width = parse_input_size(input_size)
    out_file = Path(out_file).absolute()
    if out_file.exists() and not overwrite:
        raise ExportError(f"{out_file} exists; pass --overwrite to replace it")
    out_file.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    wrapper = NhwcSoftmax(model).eval()
    example = torch.zeros(1, height, width, 3)
    fd, tmp = tempfile.mkstemp(prefix=f".{out_file.name}.partial-", dir=out_file.parent)
    os.close(fd)
    try:
        with torch.no_grad():
            torch.onnx.export(
                wrapper,
                example,
                tmp,
                input_names=[ONNX_INPUT],
                output_names=[ONNX_OUTPUT],
                dynamic_axes={ONNX_INPUT: {0: "batch"}, ONNX_OUTPUT: {0: "batch"}},
                opset_version=opset,
                do_constant_folding=True,
                training=torch.onnx.TrainingMode.EVAL,
            )
        os.chmod(tmp, 0o644)  # mkstemp creates 0600
        os.replace(tmp, out_file)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return {"seconds": time.perf_counter() - started, "bytes": out_file.stat().st_size}
