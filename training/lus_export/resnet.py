"""Reads a torchvision ResNet into a small folded form: every conv with its BatchNorm folded in (float64)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np
import torch
from torch import nn
from torchvision.models import resnet as tv_resnet

from .errors import UnsupportedArchitectureError, UnsupportedLayerError

# Block type and blocks per stage, as torchvision builds them.
ARCHITECTURES = {
    "resnet18": ("basic", [2, 2, 2, 2]),
    "resnet34": ("basic", [3, 4, 6, 3]),
    "resnet50": ("bottleneck", [3, 4, 6, 3]),
    "resnet101": ("bottleneck", [3, 4, 23, 3]),
    "resnet152": ("bottleneck", [3, 8, 36, 3]),
    # Not one of torchvision's named nets but built from its parts: one bottleneck a stage and two in the last,
    # the smallest net with every layer kind of ResNet50-152 (dilated, its last stage's second block is the
    # one with a dilated 3x3: torchvision keeps a stage's first block undilated). The parity tests run it
    # where each layer costs (software GPUs).
    "resnet17": ("bottleneck", [1, 1, 1, 2]),
}

SUPPORTED_TEXT = ", ".join(ARCHITECTURES)


@dataclass
class FoldedConv:
    """A conv followed by its BatchNorm, folded: y = conv(x, kernel) + bias, then ReLU if relu."""

    name: str
    kernel: np.ndarray  # float64, PyTorch layout [out, in, kh, kw]
    bias: np.ndarray  # float64 [out]
    stride: int
    padding: int  # PyTorch's symmetric padding on H and W
    relu: bool
    dilation: int = 1  # torchvision's replace_stride_with_dilation gives the last stage dilated 3x3 convs


@dataclass
class FoldedBlock:
    name: str
    convs: List[FoldedConv]  # the last has relu=False: ReLU comes after the residual add
    downsample: Optional[FoldedConv]


@dataclass
class FoldedResNet:
    architecture: str
    stem: FoldedConv
    pool_kernel: int
    pool_stride: int
    pool_padding: int
    blocks: List[FoldedBlock] = field(default_factory=list)
    fc_weight: np.ndarray = None  # float64 [classes, channels]
    fc_bias: np.ndarray = None  # float64 [classes]

    @property
    def num_classes(self) -> int:
        return int(self.fc_weight.shape[0])

    @property
    def feature_channels(self) -> int:
        return int(self.fc_weight.shape[1])


def build_resnet(architecture: str, num_classes: int, dilate_last_stage: bool = False) -> nn.Module:
    """A torchvision ResNet with random weights (no download), ready for load_state_dict.

    dilate_last_stage is torchvision's replace_stride_with_dilation=[False, False, True]: the same weights
    (the state_dict is unchanged), but the last stage keeps stride 16, so the feature map for heat maps has
    twice the cells each way (8x8 instead of 4x4 at 128 px)."""
    if architecture not in ARCHITECTURES:
        raise UnsupportedArchitectureError(
            f"architecture {architecture!r} is not supported; the exporter handles torchvision {SUPPORTED_TEXT}"
        )
    if dilate_last_stage and ARCHITECTURES[architecture][0] != "bottleneck":
        raise UnsupportedArchitectureError(
            f"{architecture} uses BasicBlock, which torchvision cannot dilate; dilate_last_stage needs a "
            "bottleneck ResNet (resnet17, ResNet50 or deeper)"
        )
    dilation = [False, False, dilate_last_stage]
    if not hasattr(tv_resnet, architecture):
        kind, counts = ARCHITECTURES[architecture]
        block = tv_resnet.Bottleneck if kind == "bottleneck" else tv_resnet.BasicBlock
        return tv_resnet.ResNet(block, counts, num_classes=num_classes, replace_stride_with_dilation=dilation)
    return getattr(tv_resnet, architecture)(
        weights=None, num_classes=num_classes, replace_stride_with_dilation=dilation
    )


def _unsupported(path: str, module: nn.Module, why: str) -> UnsupportedLayerError:
    return UnsupportedLayerError(
        f"layer {path} ({type(module).__name__}) is not supported: {why}. The exporter handles plain torchvision "
        f"ResNets ({SUPPORTED_TEXT}) with a single Linear classifier as fc"
    )


def _expect_children(path: str, module: nn.Module, expected: set) -> None:
    names = {name for name, _ in module.named_children()}
    extra = sorted(names - expected)
    if extra:
        child = dict(module.named_children())[extra[0]]
        raise _unsupported(f"{path}.{extra[0]}" if path else extra[0], child, "torchvision's ResNet has no such layer")
    missing = sorted(expected - names)
    if missing:
        raise _unsupported(path or "model", module, f"it has no {', '.join(missing)}")


def _fold(name: str, path: str, conv: nn.Module, bn: nn.Module, relu: bool) -> FoldedConv:
    if type(conv) is not nn.Conv2d:
        raise _unsupported(path, conv, "expected a Conv2d")
    if type(bn) is not nn.BatchNorm2d:
        raise _unsupported(path.rsplit(".", 1)[0] + ".bn", bn, "expected a BatchNorm2d after the conv")
    if conv.groups != 1:
        raise _unsupported(path, conv, f"grouped convolution (groups={conv.groups}, as in ResNeXt)")
    dh, dw = conv.dilation
    if dh != dw:
        raise _unsupported(path, conv, f"non-square dilation (dilation={tuple(conv.dilation)})")
    if dh != 1 and tuple(conv.stride) != (1, 1):
        raise _unsupported(path, conv, "a convolution that is both strided and dilated")
    if conv.padding_mode != "zeros":
        raise _unsupported(path, conv, f"padding_mode={conv.padding_mode!r}")
    kh, kw = conv.kernel_size
    sh, sw = conv.stride
    ph, pw = conv.padding if not isinstance(conv.padding, str) else (-1, -1)
    if kh != kw or sh != sw or ph != pw or ph < 0:
        raise _unsupported(path, conv, "non-square kernel, stride or padding")
    if bn.running_mean is None or bn.running_var is None:
        raise _unsupported(path, bn, "BatchNorm without running statistics (track_running_stats=False)")
    weight = conv.weight.detach().double().cpu().numpy()
    conv_bias = conv.bias.detach().double().cpu().numpy() if conv.bias is not None else np.zeros(weight.shape[0])
    mean = bn.running_mean.detach().double().cpu().numpy()
    var = bn.running_var.detach().double().cpu().numpy()
    gamma = bn.weight.detach().double().cpu().numpy() if bn.weight is not None else np.ones_like(mean)
    beta = bn.bias.detach().double().cpu().numpy() if bn.bias is not None else np.zeros_like(mean)
    scale = gamma / np.sqrt(var + bn.eps)
    return FoldedConv(
        name=name,
        kernel=weight * scale[:, None, None, None],
        bias=beta + (conv_bias - mean) * scale,
        stride=sh,
        padding=ph,
        relu=relu,
        dilation=dh,
    )


def _block_kind(block: nn.Module) -> str:
    if type(block) is tv_resnet.BasicBlock:
        return "basic"
    if type(block) is tv_resnet.Bottleneck:
        return "bottleneck"
    return ""


def fold_resnet(model: nn.Module, architecture: str) -> FoldedResNet:
    """Checks that model is a plain torchvision ResNet and folds every BatchNorm into its conv (float64)."""
    if architecture not in ARCHITECTURES:
        raise UnsupportedArchitectureError(
            f"architecture {architecture!r} is not supported; the exporter handles torchvision {SUPPORTED_TEXT}"
        )
    if not isinstance(model, tv_resnet.ResNet):
        raise UnsupportedArchitectureError(
            f"the model is a {type(model).__name__}, not a torchvision ResNet; the exporter handles {SUPPORTED_TEXT}"
        )
    kind, counts = ARCHITECTURES[architecture]
    stages = ["layer1", "layer2", "layer3", "layer4"]
    _expect_children("", model, {"conv1", "bn1", "relu", "maxpool", *stages, "avgpool", "fc"})
    if type(model.relu) is not nn.ReLU:
        raise _unsupported("relu", model.relu, "expected ReLU")
    pool = model.maxpool
    if type(pool) is not nn.MaxPool2d or pool.ceil_mode or pool.dilation not in (1, (1, 1)):
        raise _unsupported("maxpool", pool, "expected MaxPool2d without ceil_mode or dilation")
    if type(model.avgpool) is not nn.AdaptiveAvgPool2d or tuple(np.atleast_1d(model.avgpool.output_size)) not in (
        (1,),
        (1, 1),
    ):
        raise _unsupported("avgpool", model.avgpool, "expected AdaptiveAvgPool2d((1, 1))")
    if type(model.fc) is not nn.Linear:
        raise _unsupported("fc", model.fc, "expected a single Linear layer (Dropout and other heads are not exported)")

    def as_int(v):
        return v if isinstance(v, int) else v[0]

    folded = FoldedResNet(
        architecture=architecture,
        stem=_fold("stem/conv1", "conv1", model.conv1, model.bn1, relu=True),
        pool_kernel=as_int(pool.kernel_size),
        pool_stride=as_int(pool.stride),
        pool_padding=as_int(pool.padding),
    )
    for stage_index, stage_name in enumerate(stages):
        stage = getattr(model, stage_name)
        if type(stage) is not nn.Sequential:
            raise _unsupported(stage_name, stage, "expected a Sequential of residual blocks")
        if len(stage) != counts[stage_index]:
            raise UnsupportedArchitectureError(
                f"{stage_name} has {len(stage)} blocks but {architecture} has {counts[stage_index]}: "
                f"is this really a {architecture}?"
            )
        for block_index, block in enumerate(stage):
            path = f"{stage_name}.{block_index}"
            block_kind = _block_kind(block)
            if block_kind == "":
                raise _unsupported(path, block, "expected torchvision's BasicBlock or Bottleneck")
            if block_kind != kind:
                raise UnsupportedArchitectureError(
                    f"{path} is a {type(block).__name__} but {architecture} uses "
                    f"{'BasicBlock' if kind == 'basic' else 'Bottleneck'}: is this really a {architecture}?"
                )
            n = 2 if kind == "basic" else 3
            expected = {f"conv{i}" for i in range(1, n + 1)} | {f"bn{i}" for i in range(1, n + 1)} | {"relu"}
            if block.downsample is not None:
                expected.add("downsample")
            _expect_children(path, block, expected)
            name = f"{stage_name}/{block_index}"
            convs = [
                _fold(
                    f"{name}/conv{i}",
                    f"{path}.conv{i}",
                    getattr(block, f"conv{i}"),
                    getattr(block, f"bn{i}"),
                    relu=i < n,
                )
                for i in range(1, n + 1)
            ]
            downsample = None
            if block.downsample is not None:
                ds = block.downsample
                if type(ds) is not nn.Sequential or len(ds) != 2:
                    raise _unsupported(f"{path}.downsample", ds, "expected Sequential(Conv2d 1x1, BatchNorm2d)")
                downsample = _fold(f"{name}/downsample", f"{path}.downsample.0", ds[0], ds[1], relu=False)
            folded.blocks.append(FoldedBlock(name=name, convs=convs, downsample=downsample))
    folded.fc_weight = model.fc.weight.detach().double().cpu().numpy()
    folded.fc_bias = (
        model.fc.bias.detach().double().cpu().numpy()
        if model.fc.bias is not None
        else np.zeros(model.fc.weight.shape[0])
    )
    return folded
